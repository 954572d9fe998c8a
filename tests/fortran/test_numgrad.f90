!> Tests of the Fortran module numgrad: the reference values of SEMANTICS.md, analytic
!> fields, bit-for-bit agreement with the C API, sections and strides (used in place),
!> every element type, and every error a Fortran caller can meet, through stat/errmsg.
!> Prints each failure, then "N passed, N failed"; exits non-zero on any failure.
program test_numgrad
  use, intrinsic :: iso_c_binding, only: c_loc, c_ptr
  use, intrinsic :: iso_fortran_env, only: int8, int16, int32, int64, real32, real64
  use numgrad
  use capi
  use checks
  implicit none
  integer, parameter :: dp = real64, sp = real32
  ! What the error test in progress expects (see expect and verdict).
  integer :: expected_status = NG_OK
  character(len=200) :: expected_text = '', expected_what = ''

  print '(a)', 'numgrad ' // numgrad_version() // ': Fortran binding tests'
  call test_reference_values()
  call test_analytic_fields()
  call test_rank_seven()
  call test_element_types()
  call test_same_as_c_api()
  call test_sections_and_strides()
  call test_spacing_forms()
  call test_errors()
  call test_misc()

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

  ! ---------------------------------------------------------------------------------
  ! SEMANTICS.md, "Reference values"
  subroutine test_reference_values()
    real(dp) :: t(2, 4), g(2, 4, 2), d(4), d6(6), ref(2, 4)
    real(dp), parameter :: x4(4) = [-2, -1, 1, 4]
    real(dp), parameter :: x6(6) = [0.0_dp, 1.0_dp, 1.5_dp, 3.5_dp, 4.0_dp, 6.0_dp]
    real(dp), parameter :: f6(6) = [1, 2, 4, 7, 11, 16]
    real(dp), parameter :: row(4) = [1, 2, 4, 8]
    real(dp) :: r(2)
    integer :: st

    call partial([4.0_dp, 1.0_dp, 1.0_dp, 16.0_dp], 1, d, x=x4, stat=st)
    call check(st == NG_OK .and. maxval(abs(d - [-3, -2, 2, 5])) < 1e-14_dp, &
               'reference: x=[-2,-1,1,4], f=[4,1,1,16] gives [-3,-2,2,5]')

    ! numpy's t = [[1,2,4,8],[10,20,40,80]]: numpy axis 0 is Fortran dim 1.
    t(1, :) = row
    t(2, :) = 10 * row
    call gradient(t, g, stat=st)
    ref(1, :) = [9, 18, 36, 72]
    ref(2, :) = ref(1, :)
    call check(st == NG_OK .and. all(bits(g(:, :, 1)) == bits(ref)), 'reference: t, dim 1')
    ref(1, :) = [1.0_dp, 1.5_dp, 3.0_dp, 4.0_dp]
    ref(2, :) = 10 * ref(1, :)
    call check(all(bits(g(:, :, 2)) == bits(ref)), 'reference: t, dim 2')

    call gradient(t, g, h=2.0_dp)
    ref(1, :) = [4.5_dp, 9.0_dp, 18.0_dp, 36.0_dp]
    ref(2, :) = ref(1, :)
    call check(all(bits(g(:, :, 1)) == bits(ref)), 'reference: t, h=2, dim 1')
    ref(1, :) = [0.5_dp, 0.75_dp, 1.5_dp, 2.0_dp]
    ref(2, :) = 10 * ref(1, :)
    call check(all(bits(g(:, :, 2)) == bits(ref)), 'reference: t, h=2, dim 2')

    call gradient(t, g, h=[3.0_dp, 2.0_dp])
    ref(1, :) = [3, 6, 12, 24]
    ref(2, :) = ref(1, :)
    call check(all(bits(g(:, :, 1)) == bits(ref)), 'reference: t, h=[3,2], dim 1 scale 3')
    ref(1, :) = [0.5_dp, 0.75_dp, 1.5_dp, 2.0_dp]
    ref(2, :) = 10 * ref(1, :)
    call check(all(bits(g(:, :, 2)) == bits(ref)), 'reference: t, h=[3,2], dim 2 scale 2')

    r = [0, 2]
    call gradient(t, g, spacing=ng_spacing(r, [0, 3, 6, 9]))
    ref(1, :) = [4.5_dp, 9.0_dp, 18.0_dp, 36.0_dp]
    ref(2, :) = ref(1, :)
    call check(all(bits(g(:, :, 1)) == bits(ref)), 'reference: t, coordinates, dim 1')
    ref(1, :) = [1.0_dp / 3, 0.5_dp, 1.0_dp, 4.0_dp / 3]
    ref(2, :) = 10 * ref(1, :)
    call check(maxval(abs(g(:, :, 2) - ref)) < 1e-14_dp, 'reference: t, coordinates, dim 2')

    call partial([0.0_dp, 0.25_dp, 1.0_dp, 2.25_dp], 1, d, h=0.5_dp)
    call check(all(bits(d) == bits([0.5_dp, 1.0_dp, 2.0_dp, 2.5_dp])), 'reference: y, h=0.5')

    call partial(f6, 1, d6, x=x6, edge_order=1)
    call check(maxval(abs(d6 - [1.0_dp, 3.0_dp, 3.5_dp, 6.7_dp, 6.9_dp, 2.5_dp])) < 1e-13_dp, &
               'reference: non-uniform x, edge_order 1')
    call partial(f6, 1, d6, x=x6, edge_order=2)
    call check(maxval(abs(d6 - [-1.0_dp, 3.0_dp, 3.5_dp, 6.7_dp, 6.9_dp, -1.9_dp])) < 1e-13_dp, &
               'reference: non-uniform x, edge_order 2')

    call partial([-100_int8, 100_int8, -100_int8], 1, d(1:3))
    call check(all(bits(d(1:3)) == bits([200.0_dp, 0.0_dp, -200.0_dp])), &
               'reference: int8 [-100,100,-100] gives [200,0,-200] (no wraparound)')
  end subroutine test_reference_values

  ! ---------------------------------------------------------------------------------
  ! Linear fields are exact everywhere; quadratic fields in the interior, and at the
  ! edges too with edge_order 2. Stretched, uniform and integer coordinates mixed.
  subroutine test_analytic_fields()
    integer, parameter :: nx = 9, ny = 7, nz = 5
    real(dp) :: x(nx), y(ny), z(nz), f(nx, ny, nz), g(nx, ny, nz, 3), q(nx, ny), gq(nx, ny, 2)
    real(dp) :: exact(nx, ny)
    integer :: i, j, k, e, st
    character(len=40) :: tag

    do i = 1, nx
      x(i) = 2 * (real(i - 1, dp) / (nx - 1))**2 + 0.1_dp * (i - 1) ! stretched
    end do
    y = [(0.25_dp * (j - 1), j = 1, ny)]                               ! uniform
    z = [0.0_dp, 1.0_dp, 3.0_dp, 4.0_dp, 7.0_dp]                       ! irregular
    do k = 1, nz
      do j = 1, ny
        do i = 1, nx
          f(i, j, k) = 1 + 2 * x(i) - 3 * y(j) + 0.5_dp * z(k)
        end do
      end do
    end do
    do e = 1, 2
      write (tag, '(a, i0)') 'edge_order ', e
      call gradient(f, g, spacing=ng_spacing(x, 0.25_dp, z), &
                    edge_order=e, stat=st)
      call check(st == NG_OK, 'linear 3-d: stat, ' // trim(tag))
      call check(maxval(abs(g(:, :, :, 1) - 2)) < 1e-12_dp, 'linear 3-d: d/dx, ' // trim(tag))
      call check(maxval(abs(g(:, :, :, 2) + 3)) < 1e-12_dp, 'linear 3-d: d/dy, ' // trim(tag))
      call check(maxval(abs(g(:, :, :, 3) - 0.5_dp)) < 1e-12_dp, 'linear 3-d: d/dz, ' // trim(tag))
    end do

    do j = 1, ny
      do i = 1, nx
        q(i, j) = x(i)**2 + 3 * x(i) * y(j) - y(j)**2
        exact(i, j) = 2 * x(i) + 3 * y(j)
      end do
    end do
    call gradient(q, gq, spacing=ng_spacing(x, 0.25_dp), edge_order=1)
    call check(maxval(abs(gq(2:nx-1, :, 1) - exact(2:nx-1, :))) < 1e-11_dp, &
               'quadratic: d/dx exact in the interior, edge_order 1')
    call check(maxval(abs(gq(1, :, 1) - exact(1, :))) > 1e-3_dp, &
               'quadratic: d/dx not exact at the edge with edge_order 1 (the test can fail)')
    call gradient(q, gq, spacing=ng_spacing(x, 0.25_dp), edge_order=2)
    call check(maxval(abs(gq(:, :, 1) - exact)) < 1e-11_dp, &
               'quadratic: d/dx exact everywhere, edge_order 2')
    do i = 1, nx
      exact(i, :) = 3 * x(i) - 2 * y
    end do
    call check(maxval(abs(gq(:, :, 2) - exact)) < 1e-12_dp, &
               'quadratic: d/dy exact everywhere, edge_order 2')
  end subroutine test_analytic_fields

  ! ---------------------------------------------------------------------------------
  ! Ranks 1 to 7 through the same generic: a linear field in every dim.
  subroutine test_rank_seven()
    integer, parameter :: shp(7) = [3, 3, 4, 3, 3, 3, 5]
    real(dp), parameter :: slope(7) = [1.0_dp, -2.0_dp, 0.5_dp, 4.0_dp, -0.25_dp, 8.0_dp, 3.0_dp]
    real(dp), parameter :: h(7) = [0.5_dp, 2.0_dp, 0.25_dp, 1.0_dp, 4.0_dp, 0.125_dp, 1.5_dp]
    real(dp), allocatable :: flat(:), f7(:, :, :, :, :, :, :), g7(:, :, :, :, :, :, :, :)
    real(dp), allocatable :: f1(:), g1(:, :), f2(:, :), g2(:, :, :)
    real(dp), allocatable :: f15(:, :, :, :, :, :, :, :, :, :, :, :, :, :, :)
    real(dp), allocatable :: d15(:, :, :, :, :, :, :, :, :, :, :, :, :, :, :)
    integer :: l, d, stride, idx, st
    logical :: ok

    allocate (flat(product(shp)))
    do l = 0, size(flat) - 1
      flat(l + 1) = 0
      stride = 1
      do d = 1, 7
        idx = mod(l / stride, shp(d))
        flat(l + 1) = flat(l + 1) + slope(d) * h(d) * idx
        stride = stride * shp(d)
      end do
    end do
    allocate (f7, source=reshape(flat, shp))
    allocate (g7(shp(1), shp(2), shp(3), shp(4), shp(5), shp(6), shp(7), 7))
    call gradient(f7, g7, h=h, edge_order=2, stat=st)
    ok = st == NG_OK
    do d = 1, 7
      ok = ok .and. maxval(abs(g7(:, :, :, :, :, :, :, d) - slope(d))) < 1e-12_dp
    end do
    call check(ok, 'rank 7: gradient of a linear field along all 7 dims')

    ! Fortran's largest rank: partial along dims 1 and 15 of a rank-15 array.
    allocate (f15(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3), &
              d15(2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3))
    deallocate (flat)
    allocate (flat(size(f15)))
    do l = 0, size(flat) - 1
      flat(l + 1) = mod(l, 2) + 5 * (l / 2**14) ! 1 along dim 1, 5 along dim 15
    end do
    f15 = reshape(flat, shape(f15))
    call partial(f15, 15, d15, stat=st)
    call check(st == NG_OK .and. all(bits(d15) == bits(5.0_dp)), 'rank 15: partial along dim 15')
    call partial(f15, 1, d15, stat=st)
    call check(st == NG_OK .and. all(bits(d15) == bits(1.0_dp)), 'rank 15: partial along dim 1')

    allocate (f1, source=[(3 * l + 1.0_dp, l = 1, 6)])
    allocate (g1(6, 1))
    call gradient(f1, g1, stat=st)
    call check(st == NG_OK .and. all(bits(g1) == bits(3.0_dp)), 'rank 1: gradient')
    allocate (f2(3, 4))
    do l = 1, 4
      f2(:, l) = [5 * l + 0.5_dp, 5 * l - 0.5_dp, 5 * l - 1.5_dp]
    end do
    allocate (g2(3, 4, 1))
    call gradient(f2, g2, dims=[2], stat=st)
    call check(st == NG_OK .and. all(bits(g2) == bits(5.0_dp)), 'rank 2: one dim of two')
  end subroutine test_rank_seven

  ! ---------------------------------------------------------------------------------
  ! real32, real64, both complex kinds and every integer kind (real64 results).
  subroutine test_element_types()
    real(sp) :: f32(6), g32(6), ref32(6)
    complex(sp) :: z32(5), dz32(5)
    complex(dp) :: z64(4, 3), dz64(4, 3, 2)
    real(dp) :: d(5), h(5)
    integer :: i, j, st

    f32 = [(real(i, sp)**2, i = 1, 6)]
    call partial(f32, 1, g32, h=0.5_sp, stat=st)
    ref32 = [6.0_sp, 8.0_sp, 12.0_sp, 16.0_sp, 20.0_sp, 22.0_sp]
    call check(st == NG_OK .and. all(bits(g32) == bits(ref32)), 'real32 with a real32 h')

    z32 = [(cmplx(i, -2 * i, sp), i = 1, 5)]
    call partial(z32, 1, dz32, stat=st)
    call check(st == NG_OK .and. all(bits(real(dz32)) == bits(1.0_sp)) .and. &
               all(bits(aimag(dz32)) == bits(-2.0_sp)), 'complex(real32)')

    do i = 1, 4
      z64(i, :) = [(cmplx(i, 0, dp) * cmplx(1, 1, dp) + cmplx(0, 3 * i + 5 * j, dp), j = 1, 3)]
    end do
    call gradient(z64, dz64, stat=st)
    call check(st == NG_OK .and. maxval(abs(dz64(:, :, 1) - cmplx(1, 4, dp))) < 1e-14_dp .and. &
               maxval(abs(dz64(:, :, 2) - cmplx(0, 5, dp))) < 1e-14_dp, 'complex(real64)')

    h = [(real(i, dp), i = 1, 5)]
    call partial([1_int16, 4_int16, 9_int16, 16_int16, 25_int16], 1, d)
    call check(all(bits(d) == bits([3.0_dp, 4.0_dp, 6.0_dp, 8.0_dp, 9.0_dp])), 'int16')
    call partial([(int(i, int32) * 7, i = 1, 5)], 1, d, x=h)
    call check(all(bits(d) == bits(7.0_dp)), 'int32 with coordinates')
    call partial([(int(i, int64) * 2_int64**40, i = 1, 5)], 1, d)
    call check(all(bits(d) == bits(2.0_dp**40)), 'int64')
    call partial([5_int8, 4_int8, 3_int8, 2_int8, 1_int8], 1, d, edge_order=2)
    call check(all(bits(d) == bits(-1.0_dp)), 'int8, edge_order 2')
  end subroutine test_element_types

  ! ---------------------------------------------------------------------------------
  ! The module and ng_gradient called directly give the same bits.
  subroutine test_same_as_c_api()
    integer, parameter :: n1 = 5, n2 = 4, n3 = 6
    real(dp), target :: a(n1, n2, n3), g(n1, n2, n3, 3), c(n1, n2, n3, 3)
    real(dp), target :: x3(n3), x1(n1), packed(3, n2, n3), gp(3, n2, n3, 2), cp(3, n2, n3, 2)
    real(sp), target :: a32(n1, n2, n3), g32(n1, n2, n3, 2), c32(n1, n2, n3, 2)
    complex(dp), target :: z(n1, n2), gz(n1, n2, 2), cz(n1, n2, 2)
    integer(int16), target :: i16(n1, n2)
    real(dp), target :: gi(n1, n2, 2), ci(n1, n2, 2)
    type(ng_spacing_t) :: sp2(2)
    type(ng_spacing_t), allocatable :: none(:)
    integer :: st, cst, e
    character(len=20) :: tag

    allocate (none(0))
    a = reshape(wavy(size(a), 1), shape(a))
    x3 = [0.0_dp, 0.5_dp, 0.7_dp, 1.9_dp, 2.0_dp, 3.25_dp]
    x1 = [0.0_dp, 0.1_dp, 0.4_dp, 0.9_dp, 1.6_dp]

    do e = 1, 2
      write (tag, '(a, i0)') ', edge_order ', e
      call gradient(a, g, edge_order=e, stat=st)
      cst = capi_gradient(2, 2, shape(a), c_loc(a), [1, 2, 3], none, e, &
                          [c_loc(c(1, 1, 1, 1)), c_loc(c(1, 1, 1, 2)), c_loc(c(1, 1, 1, 3))])
      call check(st == NG_OK .and. cst == NG_OK .and. all(bits(g) == bits(c)), &
                 'same as C: real64, all dims, unit spacing' // trim(tag))

      call gradient(a, g(:, :, :, 1:2), dims=[3, 1], h=[0.3_dp, 1.7_dp], edge_order=e, stat=st)
      cst = capi_gradient(2, 2, shape(a), c_loc(a), [3, 1], &
                          [scalar_spacing(0.3_dp), scalar_spacing(1.7_dp)], e, &
                          [c_loc(c(1, 1, 1, 1)), c_loc(c(1, 1, 1, 2))])
      call check(st == NG_OK .and. cst == NG_OK .and. &
                 all(bits(g(:, :, :, 1:2)) == bits(c(:, :, :, 1:2))), &
                 'same as C: real64, dims [3, 1], h per dim' // trim(tag))

      call gradient(a, g(:, :, :, 1:2), dims=[3, 1], spacing=ng_spacing(x3, x1), &
                    edge_order=e, stat=st)
      sp2 = [coords_spacing(x3), coords_spacing(x1)]
      cst = capi_gradient(2, 2, shape(a), c_loc(a), [3, 1], sp2, e, &
                          [c_loc(c(1, 1, 1, 1)), c_loc(c(1, 1, 1, 2))])
      call check(st == NG_OK .and. cst == NG_OK .and. &
                 all(bits(g(:, :, :, 1:2)) == bits(c(:, :, :, 1:2))), &
                 'same as C: real64, dims [3, 1], coordinates' // trim(tag))

      call partial(a, 2, g(:, :, :, 1), h=0.1_dp, edge_order=e, stat=st)
      cst = capi_gradient(2, 2, shape(a), c_loc(a), [2], [scalar_spacing(0.1_dp)], e, &
                          [c_loc(c(1, 1, 1, 1))])
      call check(st == NG_OK .and. cst == NG_OK .and. &
                 all(bits(g(:, :, :, 1)) == bits(c(:, :, :, 1))), &
                 'same as C: real64, partial along dim 2' // trim(tag))

      ! A strided, reversed section against the C API on a packed copy of it.
      packed = a(1:5:2, :, n3:1:-1)
      call gradient(a(1:5:2, :, n3:1:-1), gp, dims=[1, 3], h=[0.5_dp, 0.25_dp], edge_order=e, &
          stat=st)
      cst = capi_gradient(2, 2, shape(packed), c_loc(packed), [1, 3], &
                          [scalar_spacing(0.5_dp), scalar_spacing(0.25_dp)], e, &
                          [c_loc(cp(1, 1, 1, 1)), c_loc(cp(1, 1, 1, 2))])
      call check(st == NG_OK .and. cst == NG_OK .and. all(bits(gp) == bits(cp)), &
                 'same as C: section a(1:5:2, :, n:1:-1) against a packed copy' // trim(tag))
    end do

    a32 = real(a, sp)
    call gradient(a32, g32, dims=[2, 3], h=0.3_dp, edge_order=2, stat=st)
    cst = capi_gradient(1, 1, shape(a32), c_loc(a32), [2, 3], [scalar_spacing(0.3_dp)], 2, &
                        [c_loc(c32(1, 1, 1, 1)), c_loc(c32(1, 1, 1, 2))])
    call check(st == NG_OK .and. cst == NG_OK .and. all(bits(g32) == bits(c32)), &
               'same as C: real32, uniform spacing (float32 arithmetic)')
    call gradient(a32, g32, dims=[3, 1], spacing=ng_spacing(x3, x1), stat=st)
    sp2 = [coords_spacing(x3), coords_spacing(x1)]
    cst = capi_gradient(1, 1, shape(a32), c_loc(a32), [3, 1], sp2, 1, &
                        [c_loc(c32(1, 1, 1, 1)), c_loc(c32(1, 1, 1, 2))])
    call check(st == NG_OK .and. cst == NG_OK .and. all(bits(g32) == bits(c32)), &
               'same as C: real32, coordinates (float64 arithmetic)')

    z = cmplx(a(:, :, 1), a(:, :, 2), dp)
    call gradient(z, gz, spacing=ng_spacing(x1, 0.7_dp), edge_order=2, stat=st)
    sp2 = [coords_spacing(x1), scalar_spacing(0.7_dp)]
    cst = capi_gradient(4, 4, shape(z), c_loc(z), [1, 2], sp2, 2, &
                        [c_loc(cz(1, 1, 1)), c_loc(cz(1, 1, 2))])
    call check(st == NG_OK .and. cst == NG_OK .and. all(bits(real(gz)) == bits(real(cz))) .and. &
               all(bits(aimag(gz)) == bits(aimag(cz))), 'same as C: complex(real64)')

    i16 = int(1000 * a(:, :, 3), int16)
    call gradient(i16, gi, h=[2, 3], stat=st)
    cst = capi_gradient(6, 2, shape(i16), c_loc(i16), [1, 2], &
                        [scalar_spacing(2.0_dp), scalar_spacing(3.0_dp)], 1, &
                        [c_loc(ci(1, 1, 1)), c_loc(ci(1, 1, 2))])
    call check(st == NG_OK .and. cst == NG_OK .and. all(bits(gi) == bits(ci)), &
               'same as C: int16 with integer h')
  end subroutine test_same_as_c_api

  ! ---------------------------------------------------------------------------------
  ! Non-contiguous and reversed sections, pointers, outputs inside bigger arrays; and
  ! proof that the arrays are used in place: the library sees f and df overlap.
  subroutine test_sections_and_strides()
    integer, parameter :: n = 10
    type :: particle
      real(dp) :: x, y
      real(sp) :: w
    end type particle
    type(particle) :: parts(6)
    integer :: i
    real(dp), target :: a(n, 6), big(2 * n, 6, 3), ref(n / 2, 6, 2), packed(n / 2, 6)
    real(dp), pointer :: p(:, :), q(:, :)
    real(dp), target :: stack(n / 2, 6, 3)
    real(dp), allocatable :: alloc(:, :), empty(:, :), de(:, :)
    real(dp) :: g(n, 6), gr(n, 6), scalar_grad(0)
    integer :: st
    character(len=200) :: msg

    a = reshape(wavy(size(a), 7), shape(a))
    packed = a(1:n:2, :)
    call gradient(packed, ref, stat=st)
    big = -7
    call gradient(a(1:n:2, :), big(2:n:2, :, 2:3), stat=st)
    call check(st == NG_OK .and. all(bits(big(2:n:2, :, 2:3)) == bits(ref)), &
               'strided input a(1:n:2, :) into a strided output section')
    call check(all(bits(big(1:n:2, :, :)) == bits(-7.0_dp)) .and. &
               all(bits(big(n + 1:, :, :)) == bits(-7.0_dp)) .and. &
               all(bits(big(:, :, 1)) == bits(-7.0_dp)), &
               'nothing outside the output section is written')

    call partial(a, 1, g, stat=st)
    call partial(a(n:1:-1, :), 1, gr, stat=st)
    call check(st == NG_OK .and. all(bits(gr) == bits(-g(n:1:-1, :))), &
               'reversed input a(n:1:-1, :): the reversed, negated derivative')
    gr = -7
    call partial(a, 1, gr(n:1:-1, 6:1:-1), stat=st)
    call check(st == NG_OK .and. all(bits(gr(n:1:-1, 6:1:-1)) == bits(g)), &
               'reversed output section gr(n:1:-1, 6:1:-1)')

    p => a(2:n:3, 2:6:2)
    call partial(p, 2, g(1:3, 1:3), h=0.5_dp, stat=st)
    packed(1:3, 1:3) = p
    call partial(packed(1:3, 1:3), 2, gr(1:3, 1:3), h=0.5_dp)
    call check(st == NG_OK .and. all(bits(g(1:3, 1:3)) == bits(gr(1:3, 1:3))), &
               'pointer to a 2-d strided section')

    allocate (alloc, source=a)
    call partial(alloc(:, 2:5), 2, g(:, 1:4), stat=st)
    call partial(a(:, 2:5), 2, gr(:, 1:4))
    call check(st == NG_OK .and. all(bits(g(:, 1:4)) == bits(gr(:, 1:4))), 'allocatable actual')

    ! In place: an output that is the input's own memory is refused by the library
    ! (nothing written); interleaved rows of one array are fine.
    p => a(1:n:2, :)
    packed = a(1:n:2, :)
    call partial(p, 1, a(1:n:2, :), stat=st, errmsg=msg)
    call check(st == NG_ERR_OVERLAP .and. &
               index(msg, 'df shares memory with f or with itself') == 1, &
               'no copy: f and df on the same memory give NG_ERR_OVERLAP')
    call check(all(bits(a(1:n:2, :)) == bits(packed)), 'no copy: nothing written on overlap')
    stack = 1
    stack(:, :, 1) = a(1:n:2, :)
    q => stack(:, :, 1)
    call gradient(q, stack(:, :, 1:2), stat=st, errmsg=msg)
    call check(st == NG_ERR_OVERLAP .and. index(msg, 'grad shares memory with f') == 1 .and. &
               all(bits(stack(:, :, 1)) == bits(packed)) .and. &
               all(bits(stack(:, :, 2)) == bits(1.0_dp)), &
               'no copy: grad(:, :, 1) on the memory of f gives NG_ERR_OVERLAP, nothing written')
    call gradient(q, stack(:, :, 2:3), stat=st)
    call gradient(packed, ref)
    call check(st == NG_OK .and. all(bits(stack(:, :, 2:3)) == bits(ref)), &
               'grad beside f in one array')
    call partial(a(1:n:2, :), 1, a(2:n:2, :), stat=st)
    call partial(packed, 1, ref(:, :, 1))
    call check(st == NG_OK .and. all(bits(a(2:n:2, :)) == bits(ref(:, :, 1))) .and. &
               all(bits(a(1:n:2, :)) == bits(packed)), &
                   'interleaved rows: f = a(1:n:2, :), df = a(2:n:2, :)')

    ! Components of an array of derived type: strides that are not a multiple of the
    ! array's own element count, in and out.
    parts%x = [(real(i * i, dp), i = 1, 6)]
    parts%w = 0
    parts%y = -7
    call partial(parts%x, 1, parts%y, stat=st)
    call check(st == NG_OK .and. all(bits(parts%y) == bits([3.0_dp, 4.0_dp, 6.0_dp, 8.0_dp, &
               10.0_dp, 11.0_dp])) .and. all(bits(parts%w) == bits(0.0_sp)), &
               'derived-type components: partial(parts%x, 1, parts%y)')

    ! Empty dims that are not differentiated, and a scalar f (no dims: no results).
    allocate (empty(5, 0), de(5, 0))
    call partial(empty, 1, de, stat=st)
    call check(st == NG_OK, 'an empty dim that is not differentiated')
    call gradient(2.0_dp, scalar_grad, stat=st)
    call check(st == NG_OK, 'a scalar f: zero results')
  end subroutine test_sections_and_strides

  ! ---------------------------------------------------------------------------------
  ! Every way of giving the spacing gives the numbers of the real64 form.
  subroutine test_spacing_forms()
    real(dp) :: f(6, 5), ref(6, 5, 2), g(6, 5, 2), x(6)
    type(ng_spacing) :: unit, grid
    integer :: i, st

    f = reshape(wavy(size(f), 3), shape(f))
    x = [(real(i * i, dp), i = 1, 6)]
    call gradient(f, ref, spacing=ng_spacing(x, 2.0_dp))
    call gradient(f, g, spacing=ng_spacing([(i * i, i = 1, 6)], 2), stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'ng_spacing of integers')
    call gradient(f, g, spacing=ng_spacing(real(x, sp), 2.0_sp), stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'ng_spacing of real32')
    call gradient(f, g, spacing=ng_spacing(int(x, int64), 2_int64), stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'ng_spacing of int64')
    call partial(f, 1, g(:, :, 1), x=[(i * i, i = 1, 6)], stat=st)
    call check(st == NG_OK .and. all(bits(g(:, :, 1)) == bits(ref(:, :, 1))), 'partial, integer x')
    call partial(f, 1, g(:, :, 1), x=real(x, sp), stat=st)
    call check(st == NG_OK .and. all(bits(g(:, :, 1)) == bits(ref(:, :, 1))), 'partial, real32 x')

    call gradient(f, ref, h=[0.5_dp, 0.5_dp])
    call gradient(f, g, h=0.5_dp, stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'one h for all dims')
    call gradient(f, g, h=[0.5_dp], stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'h of size 1 for all dims')
    call gradient(f, g, h=0.5_sp, stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'a real32 h')
    call gradient(f, g, spacing=ng_spacing(0.5_dp), stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'one ng_spacing for all dims')

    ! Built once, used for many calls (and for partial derivatives via dims).
    grid = ng_spacing(x, 2.0_dp)
    call gradient(f, ref, spacing=ng_spacing(x, 2.0_dp))
    do i = 1, 3
      g = -7
      call gradient(f, g, spacing=grid, stat=st)
    end do
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'an ng_spacing kept and reused')
    call gradient(f, g(:, :, 1:1), dims=[2], spacing=ng_spacing(2), stat=st)
    call check(st == NG_OK .and. all(bits(g(:, :, 1)) == bits(ref(:, :, 2))), &
        'ng_spacing for dims=[2]')

    call gradient(f, ref)
    call gradient(f, g, spacing=unit, stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'a default ng_spacing is unit spacing')
    call gradient(f, g, h=[integer ::], stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'an empty h is unit spacing')
    call gradient(f, g, threads=1, stat=st)
    call check(st == NG_OK .and. all(bits(g) == bits(ref)), 'threads=1 gives the same bits')
  end subroutine test_spacing_forms

  ! ---------------------------------------------------------------------------------
  ! Every error a Fortran caller can cause: its stat, its message, and the output left
  ! alone. (NULL pointers, a wrong output type, bad ndim and bad dtypes cannot be
  ! written in Fortran: the module's interfaces rule them out at compile time.)
  subroutine test_errors()
    real(dp) :: f(4, 3), g(4, 3, 2), g3(4, 3, 3), d(4, 3), d2(4, 2), bad_rank(4, 3)
    real(dp) :: two(2, 3), gtwo(2, 3, 2), h2(1, 1)
    real(dp), target :: storage(12)
    real(dp) :: s0, ds0
    character(len=300) :: msg
    integer :: st

    f = reshape(wavy(12, 5), shape(f))
    s0 = 1
    storage = reshape(f, [12])
    g = -7
    d = -7

    call expect(NG_ERR_EDGE_ORDER, 'edge_order = 3; it must be 1 or 2', 'edge_order 3', st, msg)
    call gradient(f, g, edge_order=3, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_EDGE_ORDER, 'edge_order = 0', 'edge_order 0 (numpy would use 2)', st, msg)
    call partial(f, 1, d, edge_order=0, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_OPTIONS, 'threads = -1', 'negative threads', st, msg)
    call gradient(f, g, threads=-1, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_DIM_RANGE, 'dims(2) = 3 is outside 1..2 for a rank-2 f', &
        'dims out of range', st, msg)
    call gradient(f, g, dims=[1, 3], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_DIM_RANGE, 'dims(1) = 0', 'dims 0 (Fortran numbering starts at 1)', st, msg)
    call gradient(f, g, dims=[0, 1], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_DIM_RANGE, 'dims(1) = -1', 'negative dims', st, msg)
    call gradient(f, g, dims=[-1, 1], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_DIM_RANGE, 'dim = 3 is outside 1..2', 'partial: dim out of range', st, msg)
    call partial(f, 3, d, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_DIM_RANGE, 'f is a scalar', 'partial of a scalar', st, msg)
    call partial(s0, 1, ds0, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_DIM_REPEATED, 'dims(2) = 1 names dim 1 again (dims(1) named it)', &
        'repeated dim', st, msg)
    call gradient(f, g, dims=[1, 1], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_SPACING, 'give h or spacing, not both', 'h and spacing', st, msg)
    call gradient(f, g, h=1.0_dp, spacing=ng_spacing(1.0_dp), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'give h or x, not both', 'partial: h and x', st, msg)
    call partial(f, 1, d, h=1.0_dp, x=[1, 2, 3, 4], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'h has rank 2', 'h of rank 2', st, msg)
    h2 = 1
    call gradient(f, g, h=h2, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'h must be real or integer', 'complex h', st, msg)
    call gradient(f, g, h=(1.0_dp, 0.0_dp), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'h must be real or integer', 'partial: character h', st, msg)
    call partial(f, 1, d, h='1', stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'x must be real or integer', 'partial: logical x', st, msg)
    call partial(f, 1, d, x=[.true., .false., .true., .false.], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_SPACING, 'ng_spacing: argument 2 must be real or integer', &
        'ng_spacing of a complex', st, msg)
    call gradient(f, g, spacing=ng_spacing(1.0_dp, (1.0_dp, 1.0_dp)), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'ng_spacing: argument 1 has rank 2', &
        'ng_spacing of a rank-2 array', st, msg)
    call gradient(f, g, spacing=ng_spacing(h2, 1), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING, 'ng_spacing: argument 3 is given without argument 2', &
        'ng_spacing with a gap', st, msg)
    call gradient(f, g, spacing=ng_spacing(s1=1, s3=2), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_SPACING_COUNT, 'h has 3 values but 2 dims are differentiated', &
        'three h for two dims', st, msg)
    call gradient(f, g, h=[1, 2, 3], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING_COUNT, 'spacing describes 3 dims but 2 dims are differentiated', &
        'three spacings for two dims', st, msg)
    call gradient(f, g, spacing=ng_spacing(1, 2, 3), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_SPACING_COUNT, 'spacing holds coordinates, which belong to one dim', &
        'one set of coordinates for two dims', st, msg)
    call gradient(f, g, spacing=ng_spacing([1, 2, 3, 4]), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_COORD_LENGTH, &
        'spacing: argument 2 has 4 coordinates but dim 2 of f has 3 samples', &
                'coordinates of the wrong length', st, msg)
    call gradient(f, g, spacing=ng_spacing(1, [1, 2, 3, 4]), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_COORD_LENGTH, 'x has 3 coordinates but dim 1 of f has 4 samples', &
                'partial: x of the wrong length', st, msg)
    call partial(f, 1, d, x=[1, 2, 3], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_TOO_FEW_POINTS, 'dim 1 of f has 2 samples; edge_order 2 needs at least 3', &
                'too few samples for edge_order 2', st, msg)
    two = 1
    gtwo = -7
    call gradient(two, gtwo, edge_order=2, stat=st, errmsg=msg)
    call verdict(st, msg, gtwo)
    call expect(NG_ERR_TOO_FEW_POINTS, 'dim 1 of f has 1 samples; edge_order 1 needs at least 2', &
                'one sample', st, msg)
    call partial(f(1:1, :), 1, d(1:1, :), stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_OUTPUT_COUNT, 'size(grad, 3) is 3 but 2 dims are differentiated', &
                'grad with a trailing extent of 3 for 2 dims', st, msg)
    g3 = -7
    call gradient(f, g3, stat=st, errmsg=msg)
    call verdict(st, msg, g3)
    call expect(NG_ERR_OUTPUT_COUNT, 'size(grad, 3) is 2 but 1 dims are differentiated', &
                'grad with a trailing extent of 2 for 1 dim', st, msg)
    call gradient(f, g, dims=[2], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_OUTPUT_SHAPE, 'grad has rank 2 but must have rank 3', &
        'grad of the rank of f', st, msg)
    bad_rank = -7
    call gradient(f, bad_rank, stat=st, errmsg=msg)
    call verdict(st, msg, bad_rank)
    call expect(NG_ERR_OUTPUT_SHAPE, 'size(grad, 2) is 3 but size(f, 2) is 2', &
        'grad of the wrong shape', st, msg)
    call gradient(f(:, 1:2), g(:, :, 1:1), dims=[1], stat=st, errmsg=msg)
    call verdict(st, msg, g, d)
    call expect(NG_ERR_OUTPUT_SHAPE, 'size(df, 2) is 2 but size(f, 2) is 3', &
        'partial: df of the wrong shape', st, msg)
    d2 = -7
    call partial(f, 1, d2, stat=st, errmsg=msg)
    call verdict(st, msg, d2)
    call expect(NG_ERR_OUTPUT_SHAPE, 'df has rank 3 but f has rank 2', &
        'partial: df of the wrong rank', st, msg)
    call partial(f, 1, g, stat=st, errmsg=msg)
    call verdict(st, msg, g, d)

    call expect(NG_ERR_SHAPE, 'f is an assumed-size array', 'assumed-size f', st, msg)
    call assumed_size(storage, 12, d, st, msg)
    call verdict(st, msg, g, d)

    ! errmsg alone, stat alone; and success leaves errmsg alone
    msg = 'untouched'
    call gradient(f, g, edge_order=5, errmsg=msg)
    call check(index(msg, 'edge_order = 5') == 1, 'errmsg without stat receives the message')
    call gradient(f, g, edge_order=5, stat=st)
    call check(st == NG_ERR_EDGE_ORDER, 'stat without errmsg receives the status')
    msg = 'untouched'
    call gradient(f, g, stat=st, errmsg=msg)
    call check(st == NG_OK .and. msg == 'untouched', 'success: stat = NG_OK and errmsg unchanged')

  end subroutine test_errors

  ! An assumed-size f (its last extent unknown).
  subroutine assumed_size(s, n, d, st, msg)
    integer, intent(in) :: n
    real(dp), intent(in) :: s(n / 3, *)
    real(dp), intent(inout) :: d(:, :)
    integer, intent(out) :: st
    character(len=*), intent(inout) :: msg
    call partial(s, 1, d, stat=st, errmsg=msg)
  end subroutine assumed_size

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
    real(dp), intent(in) :: out1(..)
    real(dp), intent(in), optional :: out2(..)
    logical :: untouched
    untouched = all_minus_seven(out1)
    if (present(out2)) untouched = untouched .and. all_minus_seven(out2)
    call check(st == expected_status, trim(expected_what) // ': stat ' // ng_status_name(st) // &
               ', expected ' // ng_status_name(expected_status))
    call check(index(msg, trim(expected_text)) > 0, trim(expected_what) // ': errmsg "' // &
               trim(msg) // '", expected "' // trim(expected_text) // '"')
    call check(untouched, trim(expected_what) // ': the output is left alone')
  end subroutine verdict

  pure logical function all_minus_seven(a) result(ok)
    real(dp), intent(in) :: a(..)
    select rank (a)
    rank (0)
      ok = bits(a) == bits(-7.0_dp)
    rank (2)
      ok = all(bits(a) == bits(-7.0_dp))
    rank (3)
      ok = all(bits(a) == bits(-7.0_dp))
    rank default
      ok = .false.
    end select
  end function all_minus_seven

  ! ---------------------------------------------------------------------------------
  subroutine test_misc()
    character(len=:), allocatable :: version
    call check(ng_status_name(NG_ERR_EDGE_ORDER) == 'NG_ERR_EDGE_ORDER', 'ng_status_name')
    call check(ng_status_name(NG_OK) == 'NG_OK', 'ng_status_name(NG_OK)')
    allocate (version, source=numgrad_version())
    call check(len(version) >= 5 .and. index(version, '.') > 0, 'numgrad_version: ' // version)
  end subroutine test_misc

end program test_numgrad
