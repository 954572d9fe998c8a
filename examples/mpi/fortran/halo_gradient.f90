!> Distributed memory with the Fortran module numgrad: a 3-D field split over MPI ranks
!> along dim 3 (Fortran's slowest dim, so a rank's planes f(:, :, k) are contiguous),
!> with stretched coordinates along that dim and an uneven split (nz is prime).
!>
!> Rank 0 builds the field and scatters the planes (the input must be the same bits in
!> both computations: an expression evaluated at two places of a program may round
!> differently). Each rank holds its owned planes plus accuracy/2 ghost planes on every
!> side that has a neighbour, fills the ghosts from its neighbours with MPI_Sendrecv, and
!> calls gradient with a halo boundary on those sides (edge on the physical boundary).
!> Rank 0 gathers the owned cells and checks that they are bit for bit the gradient of
!> the whole field computed in one process. Three cases:
!>   accuracy 2 (numpy's stencils, edge_order 2 at the physical boundary): one ghost plane;
!>   accuracy 4: two ghost planes;
!>   periodic along dim 3: the first and last ranks are neighbours, every side is a halo,
!>   and the whole field is differentiated with a periodic boundary (with its period).
!>
!> Build against an installed numgrad, and run:
!>   mpifort $(pkg-config --cflags numgrad-fortran) halo_gradient.f90 \
!>     $(pkg-config --libs numgrad-fortran) -o halo_gradient
!>   mpiexec -n 4 ./halo_gradient
program halo_gradient
  use mpi_f08
  use, intrinsic :: iso_fortran_env, only: dp => real64, int64
  use numgrad, only: gradient, ng_spacing, ng_boundary, NG_OK, NG_BOUNDARY_EDGE, &
    NG_BOUNDARY_PERIODIC, NG_BOUNDARY_HALO
  implicit none

  integer, parameter :: nx = 12, ny = 10, nz = 37 ! dim 3 is split; 37 is prime
  real(dp), parameter :: pi = acos(-1.0_dp)
  real(dp), parameter :: dy = 0.25_dp
  real(dp), parameter :: length = 3.0_dp        ! the period of dim 3

  integer :: rank, nranks, failures, c, i, k
  real(dp) :: x(nx), zg(nz), s

  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks)

  do i = 1, nx
    x(i) = 0.1_dp * (i - 1) + 0.02_dp * sin(0.7_dp * (i - 1)) ! stretched
  end do
  do k = 1, nz
    s = real(k - 1, dp) / nz
    zg(k) = length * (s - 0.3_dp * sin(2 * pi * s) / (2 * pi)) ! stretched, periodic
  end do

  failures = 0
  do c = 1, 3 ! accuracy 2 with edges, accuracy 4 with edges, accuracy 2 periodic
    call run_case(merge(4, 2, c == 2), c == 3)
  end do

  call MPI_Allreduce(MPI_IN_PLACE, failures, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD)
  call MPI_Finalize()
  if (failures > 0) error stop 1

contains

  ! Coordinate of plane k of dim 3: zg(k) for k in 1..nz, the periodic continuation
  ! zg(k -+ nz) +- length beyond (x(1) + period is what a periodic boundary uses).
  real(dp) function z(k)
    integer, intent(in) :: k
    z = zg(modulo(k - 1, nz) + 1)
    if (k < 1) z = z - length
    if (k > nz) z = z + length
  end function z

  ! Planes [first(r), last(r)] of dim 3 belong to rank r.
  integer function first(r)
    integer, intent(in) :: r
    first = nz * r / nranks + 1
  end function first

  integer function last(r)
    integer, intent(in) :: r
    last = nz * (r + 1) / nranks
  end function last

  subroutine run_case(acc, periodic)
    integer, intent(in) :: acc
    logical, intent(in) :: periodic
    integer :: g, lo, hi, below, above, lower, upper, i, j, k, r, d, st
    integer :: counts(0:nranks - 1), displs(0:nranks - 1)
    real(dp), allocatable :: f(:, :, :), grad(:, :, :, :), gathered(:, :, :, :)
    real(dp), allocatable :: whole(:, :, :), ref(:, :, :, :), zl(:)
    type(ng_boundary) :: bz
    type(MPI_Status) :: status
    character(len=300) :: errmsg
    character(len=40) :: what
    logical :: same

    g = acc / 2                      ! ghost planes per side with a neighbour
    lo = first(rank)
    hi = last(rank)
    ! Neighbours: MPI_PROC_NULL on a physical boundary (send and receive nothing).
    lower = rank - 1
    upper = rank + 1
    if (periodic) then
      lower = modulo(lower, nranks)
      upper = modulo(upper, nranks)
    else
      if (rank == 0) lower = MPI_PROC_NULL
      if (rank == nranks - 1) upper = MPI_PROC_NULL
    end if
    below = merge(g, 0, lower /= MPI_PROC_NULL)
    above = merge(g, 0, upper /= MPI_PROC_NULL)

    ! Rank 0 builds the whole field (periodic along dim 3) and scatters the planes.
    do r = 0, nranks - 1
      counts(r) = nx * ny * (last(r) - first(r) + 1)
      displs(r) = nx * ny * (first(r) - 1)
    end do
    if (rank == 0) then
      allocate (whole(nx, ny, nz))
      do k = 1, nz
        do j = 1, ny
          do i = 1, nx
            whole(i, j, k) = sin(3 * x(i)) * cos(0.2_dp * (j - 1)) + &
                             (1 + 0.1_dp * x(i)) * cos(2 * pi * zg(k) / length)
          end do
        end do
      end do
    else
      allocate (whole(1, 1, 1))
    end if
    allocate (f(nx, ny, lo - below:hi + above))
    call MPI_Scatterv(whole, counts, displs, MPI_DOUBLE_PRECISION, f(:, :, lo:hi), &
                      counts(rank), MPI_DOUBLE_PRECISION, 0, MPI_COMM_WORLD)

    ! Upwards: my top g owned planes fill the lower ghosts of the rank above, and the
    ! rank below fills mine. Then downwards.
    call MPI_Sendrecv(f(:, :, hi - g + 1:hi), nx * ny * g, MPI_DOUBLE_PRECISION, upper, 1, &
                      f(:, :, lo - below:lo - 1), nx * ny * below, MPI_DOUBLE_PRECISION, &
                      lower, 1, MPI_COMM_WORLD, status)
    call MPI_Sendrecv(f(:, :, lo:lo + g - 1), nx * ny * g, MPI_DOUBLE_PRECISION, lower, 2, &
                      f(:, :, hi + 1:hi + above), nx * ny * above, MPI_DOUBLE_PRECISION, &
                      upper, 2, MPI_COMM_WORLD, status)

    ! The local gradient: owned planes only, halo where a neighbour owns the cells beyond.
    allocate (grad(nx, ny, lo:hi, 3), zl(lo - below:hi + above))
    zl = [(z(k), k = lo - below, hi + above)]
    bz = ng_boundary(merge(NG_BOUNDARY_HALO, NG_BOUNDARY_EDGE, below > 0), &
                     merge(NG_BOUNDARY_HALO, NG_BOUNDARY_EDGE, above > 0))
    call gradient(f, grad, spacing=ng_spacing(x, dy, zl), &
                  boundary=[ng_boundary(NG_BOUNDARY_EDGE), ng_boundary(NG_BOUNDARY_EDGE), bz], &
                  accuracy=acc, edge_order=2, stat=st, errmsg=errmsg)
    if (st /= NG_OK) then
      print '(a, i0, a)', 'rank ', rank, ': gradient: ' // trim(errmsg)
      failures = failures + 1
    end if

    ! Gather the owned planes on rank 0, one derivative at a time (each is contiguous).
    if (rank == 0) then
      allocate (gathered(nx, ny, nz, 3))
    else
      allocate (gathered(1, 1, 1, 3))
    end if
    do d = 1, 3
      call MPI_Gatherv(grad(:, :, :, d), counts(rank), MPI_DOUBLE_PRECISION, &
                       gathered(:, :, :, d), counts, displs, MPI_DOUBLE_PRECISION, 0, &
                       MPI_COMM_WORLD)
    end do

    ! Rank 0: the single-process gradient of the whole field, compared bit for bit.
    if (rank == 0) then
      allocate (ref(nx, ny, nz, 3))
      if (periodic) then
        bz = ng_boundary(NG_BOUNDARY_PERIODIC, period=length)
      else
        bz = ng_boundary(NG_BOUNDARY_EDGE)
      end if
      call gradient(whole, ref, spacing=ng_spacing(x, dy, zg), &
                    boundary=[ng_boundary(NG_BOUNDARY_EDGE), ng_boundary(NG_BOUNDARY_EDGE), bz], &
                    accuracy=acc, edge_order=2, stat=st, errmsg=errmsg)
      if (st /= NG_OK) then
        print '(a)', 'rank 0: gradient of the whole field: ' // trim(errmsg)
        failures = failures + 1
      end if
      same = all(bits(gathered) == bits(ref))
      write (what, '(a, i0, a)') 'accuracy ', acc, &
        merge(', periodic dim 3', ', edges         ', periodic)
      print '(a, i0, a, es9.2, a)', trim(what) // ': ', nranks, ' rank(s), largest difference ', &
        maxval(abs(gathered - ref)), merge(' (bit for bit)  ', ' NOT IDENTICAL  ', same)
      if (.not. same) failures = failures + 1
    end if
  end subroutine run_case

  ! The bit pattern of a real, to compare results exactly.
  elemental integer(int64) function bits(v)
    real(dp), intent(in) :: v
    bits = transfer(v, bits)
  end function bits

end program halo_gradient
