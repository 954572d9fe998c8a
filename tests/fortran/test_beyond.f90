!> Tests of the options of the Fortran module numgrad beyond numpy (issue 8):
!>  - periodic boundaries against analytic derivatives, and bit for bit against numpy's
!>    formulas on a wrapped padding of the array (uniform spacing and coordinates);
!>  - halo boundaries: sections of a bigger array with their ghost layers, written into
!>    sections of a bigger output, reproduce the whole array's gradient bit for bit;
!>  - accuracy 4, 6 and 8: exact on polynomials of their degree, converging at their order;
!>  - strict coordinates and every new error, through stat/errmsg, outputs left alone.
!> Prints each failure, then "N passed, N failed"; exits non-zero on any failure.
program test_beyond
  use, intrinsic :: iso_c_binding, only: c_loc
  use, intrinsic :: iso_fortran_env, only: int16, real32, real64
  use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_quiet_nan, ieee_positive_inf, &
    ieee_is_finite
  use numgrad
  use capi
  use checks
  implicit none
  integer, parameter :: dp = real64, sp = real32
  real(dp), parameter :: pi = acos(-1.0_dp)
  ! What the error test in progress expects (see expect and verdict).
  integer :: expected_status = NG_OK
  character(len=300) :: expected_text = '', expected_what = ''

  print '(a)', 'numgrad ' // numgrad_version() // ': Fortran binding tests beyond numpy'
  call check(options_size() == 64, 'ng_options is 64 bytes, as in numgrad.h')
  call test_periodic()
  call test_halo()
  call test_accuracy()
  call test_errors()

  print '(i0, a, i0, a)', passed, ' passed, ', failed, ' failed'
  if (failed > 0) error stop 1

contains

  ! Deterministic data that is not a low-order polynomial.
  pure function wavy(n, seed) result(v)
    integer, intent(in) :: n, seed
    real(dp) :: v(n)
    integer :: i
    do i = 1, n
      v(i) = sin(0.7_dp * i + 1.3_dp * seed) + 0.25_dp * cos(2.9_dp * i * i + seed)
    end do
  end function wavy

  ! The boundary mode of a side: a halo where a neighbour owns the cells beyond, else edge.
  integer function side(inner)
    logical, intent(in) :: inner
    side = merge(NG_BOUNDARY_HALO, NG_BOUNDARY_EDGE, inner)
  end function side

  ! ---------------------------------------------------------------------------------
  ! Periodic: the interior of a wrapped padding under numpy's formulas (accuracy 2) or
  ! the same stencils (4, 6, 8), bit for bit; analytic derivatives of a sine.
  subroutine test_periodic()
    integer, parameter :: n = 16, m = 3
    real(dp) :: f(m, n), g(m, n), x(n), exact(n), h, period, s, err
    real(dp), allocatable :: pad(:, :), gpad(:, :), xp(:)
    real(dp) :: f2(n, n), g2(n, n, 2), d1(n, n), d2(n, n), tol(4)
    real(sp) :: f32(m, n), g32(m, n), pad32(m, -3:n + 4), gpad32(m, -3:n + 4)
    complex(dp) :: z(m, n), dz(m, n)
    real(dp) :: dre(m, n), dim_(m, n)
    type(ng_boundary) :: periodic
    integer :: i, j, acc, w, st, coords
    character(len=60) :: tag

    periodic = ng_boundary(NG_BOUNDARY_PERIODIC)
    period = 7.5_dp
    h = period / n
    do i = 1, n
      s = real(i - 1, dp) / n
      x(i) = period * (s - 0.3_dp * sin(2 * pi * s) / (2 * pi)) ! stretched, periodic
    end do
    f = reshape(wavy(m * n, 4), [m, n])

    do coords = 0, 1
      do acc = 2, 8, 2
        w = acc / 2
        write (tag, '(a, i0, a)') ', accuracy ', acc, merge(', coordinates', ', uniform    ', &
                                                            coords == 1)
        allocate (pad(m, 1 - w:n + w), gpad(m, 1 - w:n + w), xp(1 - w:n + w))
        do j = 1 - w, n + w
          pad(:, j) = f(:, modulo(j - 1, n) + 1)
          xp(j) = x(modulo(j - 1, n) + 1) + period * floor(real(j - 1, dp) / n)
        end do
        g = -7
        if (coords == 1) then
          call partial(pad, 2, gpad, x=xp, accuracy=acc)
          call partial(f, 2, g, x=x, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, &
                       NG_BOUNDARY_PERIODIC, period), accuracy=acc, stat=st)
        else
          call partial(pad, 2, gpad, h=h, accuracy=acc)
          call partial(f, 2, g, h=h, boundary=periodic, accuracy=acc, stat=st)
        end if
        call check(st == NG_OK .and. all(bits(g) == bits(gpad(:, 1:n))), &
                   'periodic = interior of the wrapped padding' // trim(tag))
        deallocate (pad, gpad, xp)
      end do
    end do

    ! real32 and complex go through the same stencils.
    f32 = real(f, sp)
    call partial(f32, 2, g32, h=0.5_sp, boundary=periodic, stat=st)
    pad32(:, -3:0) = f32(:, n - 3:n)
    pad32(:, 1:n) = f32
    pad32(:, n + 1:n + 4) = f32(:, 1:4)
    call partial(pad32, 2, gpad32, h=0.5_sp)
    call check(st == NG_OK .and. all(bits(g32) == bits(gpad32(:, 1:n))), &
               'periodic real32 = interior of the wrapped padding')
    z = cmplx(f, 2 * f + 1, dp)
    call partial(z, 2, dz, x=x, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period=period), &
                 accuracy=4, stat=st)
    call partial(f, 2, dre, x=x, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period=period), &
                 accuracy=4)
    call partial(2 * f + 1, 2, dim_, x=x, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, &
                 period=period), accuracy=4)
    call check(st == NG_OK .and. all(bits(real(dz)) == bits(dre)) .and. &
               all(bits(aimag(dz)) == bits(dim_)), &
               'periodic complex = its real and imaginary parts (coordinates, accuracy 4)')

    ! Analytic: d/dx sin(2 pi x / L). Accuracy 2 gives exactly cos * sin(kh)/(kh) on a
    ! uniform grid; higher orders approach cos, each closer than the one before.
    do i = 1, n
      exact(i) = 2 * pi / period * cos(2 * pi * (i - 1) * h / period)
      f2(1, i) = sin(2 * pi * (i - 1) * h / period)
    end do
    call partial(f2(1:1, :), 2, g2(1:1, :, 1), h=h, boundary=periodic, stat=st)
    err = maxval(abs(g2(1, :, 1) - exact * sin(2 * pi * h / period) / (2 * pi * h / period)))
    call check(st == NG_OK .and. err < 1e-13_dp, 'periodic sine, accuracy 2: cos(x) sin(kh)/(kh)')
    do acc = 2, 8, 2
      call partial(f2(1:1, :), 2, g2(1:1, :, 1), h=h, boundary=periodic, accuracy=acc)
      tol(acc / 2) = maxval(abs(g2(1, :, 1) - exact))
    end do
    call check(tol(1) < 0.03_dp .and. tol(2) < tol(1) / 10 .and. tol(3) < tol(2) / 10 .and. &
               tol(4) < tol(3) / 10 .and. tol(4) < 1e-5_dp, &
               'periodic sine: every accuracy order closer to cos than the one before')

    ! Per-dim boundaries in the order of dims; one ng_boundary for all dims.
    f2 = reshape(wavy(n * n, 9), [n, n])
    call gradient(f2, g2, h=[0.5_dp, h], boundary=[ng_boundary(NG_BOUNDARY_EDGE), periodic], &
                  accuracy=4, stat=st)
    call partial(f2, 1, d1, h=0.5_dp, accuracy=4)
    call partial(f2, 2, d2, h=h, boundary=periodic, accuracy=4)
    call check(st == NG_OK .and. all(bits(g2(:, :, 1)) == bits(d1)) .and. &
               all(bits(g2(:, :, 2)) == bits(d2)), 'boundary per dim: edge on dim 1, periodic on 2')
    call gradient(f2, g2, dims=[2, 1], h=[h, 0.5_dp], &
                  boundary=[periodic, ng_boundary(NG_BOUNDARY_EDGE)], accuracy=4, stat=st)
    call check(st == NG_OK .and. all(bits(g2(:, :, 2)) == bits(d1)) .and. &
               all(bits(g2(:, :, 1)) == bits(d2)), 'boundary follows the order of dims=[2, 1]')
    call gradient(f2, g2, h=h, boundary=periodic, stat=st)
    call partial(f2, 1, d1, h=h, boundary=periodic)
    call partial(f2, 2, d2, h=h, boundary=periodic)
    call check(st == NG_OK .and. all(bits(g2(:, :, 1)) == bits(d1)) .and. &
               all(bits(g2(:, :, 2)) == bits(d2)), 'one ng_boundary for every dim')
  end subroutine test_periodic

  ! ---------------------------------------------------------------------------------
  ! Halo: a 16 x 12 x 9 array cut into 3 x 2 blocks along dims 1 and 2, as an MPI code
  ! would distribute it. Each block is passed as a section of the whole array with its
  ! ghost layers (accuracy/2 cells on every inner side), and writes its owned cells
  ! into a section of one output of the whole shape: together they must give the whole
  ! array's gradient, bit for bit. Dim 1 has stretched coordinates, dim 2 a spacing,
  ! dim 3 is periodic.
  subroutine test_halo()
    integer, parameter :: n1 = 16, n2 = 12, n3 = 9
    integer, parameter :: cut1(0:3) = [0, 6, 11, 16], cut2(0:2) = [0, 6, 12]
    real(dp), allocatable :: w(:, :, :), whole(:, :, :, :), pieces(:, :, :, :), d(:, :, :)
    real(dp), allocatable :: perm(:, :, :, :), x1(:)
    real(dp), allocatable, target :: packed(:, :, :), c(:, :, :, :)
    real(sp), allocatable :: w32(:, :, :), whole32(:, :, :, :), pieces32(:, :, :, :)
    integer(int16), allocatable :: wi(:, :, :)
    type(ng_boundary) :: b(3)
    type(ng_boundary_t), allocatable :: bc(:)
    integer :: i, acc, eo, g, b1, b2, lo1, hi1, lo2, hi2, glo1, ghi1, glo2, ghi2, st, nbad
    integer :: cst, o1, o2
    logical :: ok, okp, okd
    character(len=60) :: tag

    allocate (w(n1, n2, n3), whole(n1, n2, n3, 3), pieces(n1, n2, n3, 3), d(n1, n2, n3))
    allocate (perm(n1, n2, n3, 2), x1(n1))
    w = reshape(wavy(size(w), 11), shape(w))
    x1 = [(real(i - 1, dp) + 0.04_dp * (i - 1)**2, i = 1, n1)]

    do acc = 2, 8, 2
      do eo = 1, merge(2, 1, acc == 2) ! edge_order only matters at accuracy 2
        g = acc / 2
        write (tag, '(a, i0, a, i0)') ', accuracy ', acc, ', edge_order ', eo
        call gradient(w, whole, spacing=ng_spacing(x1, 0.3_dp, 1), &
                      boundary=[ng_boundary(NG_BOUNDARY_EDGE), ng_boundary(NG_BOUNDARY_EDGE), &
                                ng_boundary(NG_BOUNDARY_PERIODIC)], &
                      accuracy=acc, edge_order=eo, stat=st)
        call check(st == NG_OK, 'halo: the whole array' // trim(tag))
        pieces = -7
        d = -7
        perm = -7
        ok = .true.
        okp = .true.
        nbad = 0
        do b1 = 1, 3
          do b2 = 1, 2
            lo1 = cut1(b1 - 1) + 1
            hi1 = cut1(b1)
            lo2 = cut2(b2 - 1) + 1
            hi2 = cut2(b2)
            glo1 = lo1 - merge(g, 0, b1 > 1)
            ghi1 = hi1 + merge(g, 0, b1 < 3)
            glo2 = lo2 - merge(g, 0, b2 > 1)
            ghi2 = hi2 + merge(g, 0, b2 < 2)
            b(1) = ng_boundary(side(b1 > 1), side(b1 < 3))
            b(2) = ng_boundary(side(b2 > 1), side(b2 < 2))
            b(3) = ng_boundary(NG_BOUNDARY_PERIODIC)
            call gradient(w(glo1:ghi1, glo2:ghi2, :), pieces(lo1:hi1, lo2:hi2, :, :), &
                          spacing=ng_spacing(x1(glo1:ghi1), 0.3_dp, 1), boundary=b, &
                          accuracy=acc, edge_order=eo, threads=b2, stat=st)
            if (st /= NG_OK) nbad = nbad + 1
            ! dims in another order: the boundaries follow dims.
            call gradient(w(glo1:ghi1, glo2:ghi2, :), perm(lo1:hi1, lo2:hi2, :, :), &
                          dims=[2, 1], spacing=ng_spacing(0.3_dp, x1(glo1:ghi1)), &
                          boundary=b([2, 1]), accuracy=acc, edge_order=eo, stat=st)
            if (st /= NG_OK) nbad = nbad + 1
            ! partial along dim 1: only the blocks' dim-1 cuts matter.
            if (b2 == 1) then
              call partial(w(glo1:ghi1, :, :), 1, d(lo1:hi1, :, :), x=x1(glo1:ghi1), &
                           boundary=b(1), accuracy=acc, edge_order=eo, stat=st)
              if (st /= NG_OK) nbad = nbad + 1
            end if
          end do
        end do
        ok = all(bits(pieces) == bits(whole))
        okp = all(bits(perm(:, :, :, 1)) == bits(whole(:, :, :, 2))) .and. &
              all(bits(perm(:, :, :, 2)) == bits(whole(:, :, :, 1)))
        okd = all(bits(d) == bits(whole(:, :, :, 1)))
        call check(nbad == 0, 'halo: every block succeeds' // trim(tag))
        call check(ok, 'halo: 3 x 2 blocks with ghost layers = the whole array, bit for bit' // &
                   trim(tag))
        call check(okp, 'halo: dims=[2, 1] with boundary in that order' // trim(tag))
        call check(okd, 'halo: partial along dim 1 over 3 blocks' // trim(tag))
      end do
    end do

    ! Other element types (accuracy 4, two ghost cells).
    allocate (w32(n1, n2, n3), whole32(n1, n2, n3, 3), pieces32(n1, n2, n3, 3), wi(n1, n2, n3))
    w32 = real(w, sp)
    wi = int(1000 * w, int16)
    call gradient(w32, whole32, h=[0.5_dp, 0.25_dp, 2.0_dp], accuracy=4)
    call gradient(wi, whole, h=3, accuracy=4)
    pieces32 = -7
    pieces = -7
    g = 2
    do b1 = 1, 3
      lo1 = cut1(b1 - 1) + 1
      hi1 = cut1(b1)
      glo1 = lo1 - merge(g, 0, b1 > 1)
      ghi1 = hi1 + merge(g, 0, b1 < 3)
      b(1) = ng_boundary(side(b1 > 1), side(b1 < 3))
      b(2:3) = ng_boundary(NG_BOUNDARY_EDGE)
      call gradient(w32(glo1:ghi1, :, :), pieces32(lo1:hi1, :, :, :), h=[0.5_dp, 0.25_dp, 2.0_dp], &
                    boundary=b, accuracy=4)
      call gradient(wi(glo1:ghi1, :, :), pieces(lo1:hi1, :, :, :), h=3, boundary=b, accuracy=4)
    end do
    call check(all(bits(pieces32) == bits(whole32)), 'halo: real32 blocks = the whole array')
    call check(all(bits(pieces) == bits(whole)), 'halo: int16 blocks = the whole array')

    ! The module and ng_gradient called directly agree, halo and periodic included.
    glo1 = 5
    ghi1 = 13                      ! cells 5..13: 7..11 owned, 2 ghosts on each side
    o1 = ghi1 - glo1 + 1 - 4
    o2 = n2 - 2
    allocate (packed(ghi1 - glo1 + 1, n2, n3), c(o1, o2, n3, 3))
    packed = w(glo1:ghi1, :, :)
    bc = [ng_boundary_t(NG_BOUNDARY_HALO, NG_BOUNDARY_HALO, 0.0_dp), &
          ng_boundary_t(NG_BOUNDARY_EDGE, NG_BOUNDARY_HALO, 0.0_dp), &
          ng_boundary_t(NG_BOUNDARY_PERIODIC, NG_BOUNDARY_PERIODIC, 0.0_dp)]
    b(1) = ng_boundary(NG_BOUNDARY_HALO)
    b(2) = ng_boundary(NG_BOUNDARY_EDGE, NG_BOUNDARY_HALO)
    b(3) = ng_boundary(NG_BOUNDARY_PERIODIC)
    pieces = -7
    call gradient(w(glo1:ghi1, :, :), pieces(1:o1, 1:o2, :, :), h=[0.5_dp, 0.25_dp, 2.0_dp], &
                  boundary=b, accuracy=4, stat=st)
    cst = capi_gradient(2, 2, shape(packed), c_loc(packed), [1, 2, 3], &
                        [scalar_spacing(0.5_dp), scalar_spacing(0.25_dp), scalar_spacing(2.0_dp)], &
                        1, [c_loc(c(1, 1, 1, 1)), c_loc(c(1, 1, 1, 2)), c_loc(c(1, 1, 1, 3))], &
                        boundary=bc, accuracy=4, oshape=[o1, o2, n3])
    call check(st == NG_OK .and. cst == NG_OK .and. &
               all(bits(pieces(1:o1, 1:o2, :, :)) == bits(c)), &
               'same as C: halo, edge and periodic sides, accuracy 4')
  end subroutine test_halo

  ! ---------------------------------------------------------------------------------
  ! Accuracy p differentiates polynomials of degree p exactly, boundaries included, and
  ! its error falls as h**p.
  subroutine test_accuracy()
    integer, parameter :: n = 14
    real(dp) :: x(n), f(n), d(n), exact(n), s, e1, e2, h1, h2, order
    real(dp) :: q(n, 9), gq(n, 9, 2), y(9), eq(n, 9, 2), a(8, 7), ga(8, 7, 2), gb(8, 7, 2)
    integer(int16) :: iq(9)
    real(dp) :: di(9)
    integer :: acc, stretched, i, j, st
    character(len=60) :: tag
    logical :: ok

    do acc = 4, 8, 2
      do stretched = 0, 1
        write (tag, '(a, i0, a)') ', accuracy ', acc, merge(', stretched', ', uniform  ', &
                                                            stretched == 1)
        do i = 1, n
          s = real(i - 1, dp) / (n - 1)
          x(i) = 3.25_dp * s
          if (stretched == 1) x(i) = 3.25_dp * (s + 0.15_dp * s * (1 - s))
          f(i) = x(i)**acc - 3 * x(i)
          exact(i) = acc * x(i)**(acc - 1) - 3
        end do
        d = -7
        if (stretched == 1) then
          call partial(f, 1, d, x=x, accuracy=acc, stat=st)
        else
          call partial(f, 1, d, h=0.25_dp, accuracy=acc, stat=st)
        end if
        call check(st == NG_OK .and. all(abs(d - exact) <= 1e-9_dp * (1 + abs(exact))), &
                   'exact on x**p - 3x' // trim(tag))
      end do
    end do

    ! 2-D, degree 6 in x and 5 in y, stretched x and uniform y, accuracy 6.
    y = [(0.3_dp * (j - 1), j = 1, 9)]
    do j = 1, 9
      do i = 1, n
        q(i, j) = x(i)**6 + x(i) * y(j)**5 - y(j)**3
        eq(i, j, 1) = 6 * x(i)**5 + y(j)**5
        eq(i, j, 2) = 5 * x(i) * y(j)**4 - 3 * y(j)**2
      end do
    end do
    call gradient(q, gq, spacing=ng_spacing(x, 0.3_dp), accuracy=6, stat=st)
    call check(st == NG_OK .and. all(abs(gq - eq) <= 1e-9_dp * (1 + abs(eq))), &
               'exact on a 2-d polynomial of degree 6, accuracy 6')

    ! Integers convert before any subtraction: i**4 on integers, accuracy 4.
    iq = int([(i**4, i = 1, 9)], int16)
    call partial(iq, 1, di, accuracy=4, stat=st)
    call check(st == NG_OK .and. all(abs(di - [(4.0_dp * i**3, i = 1, 9)]) < 1e-9_dp), &
               'int16 i**4, accuracy 4: exactly 4 i**3')

    ! Measured order of convergence within 0.2 of the nominal one.
    ok = .true.
    do acc = 2, 8, 2
      e1 = error_at(acc, merge(64, 96, acc <= 4), h1)
      e2 = error_at(acc, 2 * merge(64, 96, acc <= 4), h2)
      order = log(e1 / e2) / log(h1 / h2)
      if (abs(order - acc) > 0.2_dp) then
        ok = .false.
        print '(a, i0, a, f6.3)', 'accuracy ', acc, ': measured order ', order
      end if
    end do
    call check(ok, 'accuracy 2, 4, 6, 8: errors fall as h**accuracy')

    ! accuracy=2 is the default; edge_order only matters at accuracy 2.
    a = reshape(wavy(size(a), 2), shape(a))
    call gradient(a, ga, edge_order=2)
    call gradient(a, gb, edge_order=2, accuracy=2, stat=st)
    call check(st == NG_OK .and. all(bits(ga) == bits(gb)), 'accuracy=2 is the default')
    call gradient(a, ga, edge_order=1, accuracy=6)
    call gradient(a, gb, edge_order=2, accuracy=6, stat=st)
    call check(st == NG_OK .and. all(bits(ga) == bits(gb)), &
               'edge_order does not matter at accuracy 6')
  end subroutine test_accuracy

  ! Max error of d/dx of sin(6x) + cos(5x) on n uniform samples over [0, 1.5].
  function error_at(acc, n, h) result(err)
    integer, intent(in) :: acc, n
    real(dp), intent(out) :: h
    real(dp) :: err
    real(dp) :: x(n), f(n), g(n)
    integer :: i
    h = 1.5_dp / (n - 1)
    x = [(h * (i - 1), i = 1, n)]
    f = sin(6 * x) + cos(5 * x)
    call partial(f, 1, g, h=h, accuracy=acc, edge_order=2)
    err = maxval(abs(g - (6 * cos(6 * x) - 5 * sin(5 * x))))
  end function error_at

  ! ---------------------------------------------------------------------------------
  ! Every new error: its stat, its message in Fortran's terms, and the output left alone.
  subroutine test_errors()
    real(dp) :: f(6, 5), g(6, 5, 2), d(6, 5), gs(6, 5, 2), ds(6, 5)
    real(dp) :: x_dup(6), x_nan(6), x_down(6), x_ok(6), x_rev(6), inf
    type(ng_boundary) :: bb(1, 1)
    character(len=300) :: msg
    integer :: st

    f = reshape(wavy(30, 6), shape(f))
    g = -7
    d = -7
    inf = ieee_value(1.0_dp, ieee_positive_inf)
    x_dup = [0, 1, 1, 2, 3, 4]
    x_nan = [0, 1, 2, 3, 4, 5]
    x_nan(3) = ieee_value(1.0_dp, ieee_quiet_nan)
    x_down = [0.0_dp, 1.0_dp, 2.0_dp, 1.5_dp, 4.0_dp, 5.0_dp]
    x_ok = [0, 1, 2, 3, 4, 5]
    x_rev = [5, 4, 2, 1, 0, -3]

    call expect(NG_ERR_ACCURACY, 'accuracy = 3; it must be 2, 4, 6 or 8', 'accuracy 3', st, msg)
    call gradient(f, g, accuracy=3, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_ACCURACY, 'accuracy = 0; it must be 2, 4, 6 or 8', 'accuracy 0', st, msg)
    call partial(f, 1, d, accuracy=0, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_ACCURACY, 'accuracy = 10', 'accuracy 10', st, msg)
    call partial(f, 1, d, accuracy=10, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_TOO_FEW_POINTS, 'dim 1 of f has 6 samples; accuracy 8 needs at least 9', &
                'accuracy 8 on 6 samples', st, msg)
    call gradient(f, g, accuracy=8, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_TOO_FEW_POINTS, &
                'dim 1 of f has 2 samples; a periodic or halo boundary needs at least 3', &
                'periodic on 2 samples', st, msg)
    call partial(f(1:2, :), 1, d(1:2, :), boundary=ng_boundary(NG_BOUNDARY_PERIODIC), stat=st, &
                 errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_BOUNDARY, 'boundary has 3 entries but 2 dims are differentiated', &
                'three boundaries for two dims', st, msg)
    call gradient(f, g, boundary=[ng_boundary(0), ng_boundary(0), ng_boundary(0)], stat=st, &
                  errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary(2): upper = 5; it must be NG_BOUNDARY_EDGE (0), ' // &
                'NG_BOUNDARY_PERIODIC (1) or NG_BOUNDARY_HALO (2)', 'unknown upper mode', st, msg)
    call gradient(f, g, boundary=[ng_boundary(0), ng_boundary(NG_BOUNDARY_EDGE, 5)], stat=st, &
                  errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary: lower = -1', 'unknown lower mode', st, msg)
    call partial(f, 2, d, boundary=ng_boundary(-1, NG_BOUNDARY_EDGE), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary is periodic on one side only', &
                'periodic on one side', st, msg)
    call partial(f, 1, d, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, NG_BOUNDARY_HALO), &
                 stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary is periodic over the coordinates of dim 1 but has ' // &
                'no period', 'periodic coordinates without a period', st, msg)
    call gradient(f, g, spacing=ng_spacing(x_ok, 1), boundary=ng_boundary(NG_BOUNDARY_PERIODIC), &
                  stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary(2) is periodic over the coordinates of dim 1', &
                'periodic coordinates without a period, dims=[2, 1]', st, msg)
    call gradient(f, g, dims=[2, 1], spacing=ng_spacing(1, x_ok), &
                  boundary=[ng_boundary(0), ng_boundary(1)], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary has period = 3, but only periodic coordinates ' // &
                'take a period', 'a period with a uniform spacing', st, msg)
    call partial(f, 1, d, h=0.5_dp, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period=3), &
                 stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary has period = 2.5, but only periodic', &
                'a period on an edge boundary', st, msg)
    call partial(f, 1, d, x=x_ok, boundary=ng_boundary(NG_BOUNDARY_EDGE, period=2.5_sp), &
                 stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary: ng_boundary: period must be real or integer', &
                'a character period', st, msg)
    call partial(f, 1, d, x=x_ok, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period='1'), &
                 stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_BOUNDARY, 'boundary has rank 2', 'boundary of rank 2', st, msg)
    bb = ng_boundary(NG_BOUNDARY_EDGE)
    call gradient(f, g, boundary=bb, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_OUTPUT_SHAPE, 'size(grad, 1) is 6 but must be 4: size(f, 1) is 6, ' // &
                'less its 2 halo cells (accuracy/2 = 1 per halo side)', &
                'halo: grad not trimmed', st, msg)
    call gradient(f, g, boundary=ng_boundary(NG_BOUNDARY_HALO), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_OUTPUT_SHAPE, 'size(df, 2) is 5 but must be 3: size(f, 2) is 5, less ' // &
                'its 2 halo cells (accuracy/2 = 2 per halo side)', 'halo: df not trimmed', st, msg)
    call partial(f, 2, d, boundary=ng_boundary(NG_BOUNDARY_HALO, NG_BOUNDARY_EDGE), accuracy=4, &
                 stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_OUTPUT_SHAPE, 'size(df, 1) is 4 but size(f, 1) is 6', &
                'halo on dim 2 does not trim dim 1', st, msg)
    call partial(f, 2, d(1:4, 1:3), boundary=ng_boundary(NG_BOUNDARY_HALO), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_COORDINATES, 'strict: the coordinates of dim 1 are not strictly ' // &
                'monotonic: x(2) = 1, x(3) = 1', 'strict: repeated coordinates', st, msg)
    call partial(f, 1, d, x=x_dup, strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'strict: the coordinates of dim 1 are not finite: x(3) = NaN', &
                'strict: NaN coordinates', st, msg)
    call gradient(f, g, spacing=ng_spacing(x_nan, 1), strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'not strictly monotonic: x(3) = 2, x(4) = 1.5', &
                'strict: coordinates that turn back', st, msg)
    call partial(f, 1, d, x=x_down, strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'strict: the coordinates of dim 2 are not strictly monotonic', &
                'strict: names the dim of dims=[2]', st, msg)
    call gradient(f, g(:, :, 1:1), dims=[2], spacing=ng_spacing([0, 1, 2, 2, 3]), strict=.true., &
                  stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'strict: the spacing of dim 2 is 0; it must be finite and ' // &
                'nonzero', 'strict: a zero spacing', st, msg)
    call gradient(f, g, h=[1.0_dp, 0.0_dp], strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'strict: the spacing of dim 1 is Inf', &
                'strict: an infinite spacing', st, msg)
    call partial(f, 1, d, h=inf, strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'strict: the period of dim 1 is -1: x(1) + period = -1 ' // &
                'does not continue the coordinates strictly monotonically after x(6) = 5', &
                'strict: a backwards period', st, msg)
    call partial(f, 1, d, x=x_ok, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period=-1), &
                 strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORDINATES, 'strict: the period of dim 1 is 4', &
                'strict: a period that ends before x(n)', st, msg)
    call partial(f, 1, d, x=x_ok, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period=4.0_dp), &
                 strict=.true., stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    ! What strict accepts, and what numpy does without it.
    call partial(f, 1, d, x=x_rev, stat=st)
    call partial(f, 1, ds, x=x_rev, strict=.true., stat=st)
    call check(st == NG_OK .and. all(bits(ds) == bits(d)), &
               'strict: decreasing coordinates are fine, and give the same bits')
    call gradient(f, g, h=[0.5, 2.0], boundary=ng_boundary(NG_BOUNDARY_PERIODIC), accuracy=4)
    call gradient(f, gs, h=[0.5, 2.0], boundary=ng_boundary(NG_BOUNDARY_PERIODIC), accuracy=4, &
                  strict=.true., stat=st)
    call check(st == NG_OK .and. all(bits(gs) == bits(g)), 'strict: a valid call, same bits')
    call partial(f, 1, d, x=x_ok, boundary=ng_boundary(NG_BOUNDARY_PERIODIC, period=6), &
                 strict=.true., stat=st)
    call check(st == NG_OK, 'strict: a period that continues the coordinates')
    call partial(f, 1, d, x=x_dup, stat=st)
    call check(st == NG_OK .and. .not. all(ieee_is_finite(d(2:3, :))), &
               'not strict: repeated coordinates give numpy''s inf/nan silently')
  end subroutine test_errors

  subroutine expect(status, text, what, st, msg)
    integer, intent(in) :: status
    character(len=*), intent(in) :: text, what
    integer, intent(out) :: st
    character(len=*), intent(out) :: msg
    expected_status = status
    expected_text = text
    expected_what = what
    st = -1
    msg = ''
  end subroutine expect

  ! Checks the status and message expected, and that the outputs still hold -7.
  subroutine verdict(st, msg, out1, out2)
    integer, intent(in) :: st
    character(len=*), intent(in) :: msg
    real(dp), intent(in) :: out1(:, :, :), out2(:, :)
    call check(st == expected_status, trim(expected_what) // ': stat ' // ng_status_name(st) // &
               ', expected ' // ng_status_name(expected_status))
    call check(index(msg, trim(expected_text)) > 0, trim(expected_what) // ': errmsg "' // &
               trim(msg) // '", expected "' // trim(expected_text) // '"')
    call check(all(bits(out1) == bits(-7.0_dp)) .and. all(bits(out2) == bits(-7.0_dp)), &
               trim(expected_what) // ': the output is left alone')
  end subroutine verdict

end program test_beyond
