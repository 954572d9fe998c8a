!> Heat flux q = -k grad T in a plate heated from one wall, on a grid stretched to
!> resolve the thermal boundary layer at the wall.
!>
!> The temperature decays away from the wall x = 0 over a thickness delta, with a
!> spanwise modulation along y:
!>   T(x, y) = T_inf + (T_w - T_inf) exp(-x/delta) (1 + a cos(2 pi y / W))
!> x is clustered towards the wall (tanh stretching), y is uniform. numgrad takes the
!> coordinates for x and the spacing for y in one call; edge_order 2 keeps the wall
!> flux, a one-sided difference, second-order accurate.
!>
!> Build against an installed numgrad:
!>   gfortran $(pkg-config --cflags numgrad-fortran) heat_flux.f90 $(pkg-config --libs numgrad-fortran)
program heat_flux
  use, intrinsic :: iso_fortran_env, only: dp => real64
  use numgrad, only: gradient, ng_spacing, NG_OK
  implicit none

  integer, parameter :: nx = 41, ny = 33
  real(dp), parameter :: pi = acos(-1.0_dp)
  real(dp), parameter :: k = 15.0_dp            ! conductivity of steel, W/(m K)
  real(dp), parameter :: length = 0.05_dp       ! plate depth along x, m
  real(dp), parameter :: width = 0.10_dp        ! plate width along y, m
  real(dp), parameter :: delta = 0.01_dp        ! thermal layer thickness, m
  real(dp), parameter :: t_wall = 400.0_dp, t_inf = 300.0_dp, a = 0.2_dp
  real(dp), parameter :: beta = 2.0_dp          ! stretching: larger clusters more at x = 0

  real(dp) :: x(nx), y(ny), dy, temp(nx, ny), grad_t(nx, ny, 2), q(nx, ny, 2)
  real(dp) :: q_exact, err, worst, power, power_exact
  integer :: i, j, stat
  character(len=200) :: errmsg

  do i = 1, nx
    x(i) = length * (1 - tanh(beta * (1 - real(i - 1, dp) / (nx - 1))) / tanh(beta))
  end do
  dy = width / (ny - 1)
  y = [(dy * (j - 1), j = 1, ny)]
  do j = 1, ny
    do i = 1, nx
      temp(i, j) = t_inf + (t_wall - t_inf) * exp(-x(i) / delta) &
                   * (1 + a * cos(2 * pi * y(j) / width))
    end do
  end do

  ! grad_t(:, :, 1) = dT/dx on the stretched x, grad_t(:, :, 2) = dT/dy with spacing dy.
  call gradient(temp, grad_t, spacing=ng_spacing(x, dy), edge_order=2, &
                stat=stat, errmsg=errmsg)
  if (stat /= NG_OK) error stop trim(errmsg)
  q = -k * grad_t

  print '(a, i0, a, i0, a, es9.2, a, es9.2, a)', 'grid ', nx, ' x ', ny, &
    ', first cell at the wall ', x(2) - x(1), ' m, last ', x(nx) - x(nx - 1), ' m'
  print '(a)', '     y [m]    q_x wall [W/m^2]      exact     rel. error'
  worst = 0
  do j = 1, ny
    q_exact = k * (t_wall - t_inf) / delta * (1 + a * cos(2 * pi * y(j) / width))
    err = abs(q(1, j, 1) - q_exact) / q_exact
    worst = max(worst, err)
    if (mod(j - 1, 4) == 0) print '(f10.4, 2es17.6, es13.2)', y(j), q(1, j, 1), q_exact, err
  end do

  ! Heat entering through the wall per metre of depth (trapezoid rule along y).
  power = dy * (sum(q(1, :, 1)) - (q(1, 1, 1) + q(1, ny, 1)) / 2)
  power_exact = k * (t_wall - t_inf) / delta * width ! the cosine integrates to zero
  print '(a, f10.2, a, f10.2, a)', 'heat into the plate: ', power, ' W/m (exact ', power_exact, &
      ' W/m)'
  print '(a, es9.2)', 'largest relative error of the wall flux: ', worst

  if (worst > 1e-2_dp .or. abs(power - power_exact) > 1e-2_dp * power_exact) &
    error stop 'heat_flux: the wall flux is off by more than 1%'
end program heat_flux
