!> Without stat and errmsg, an error ends the program with error stop and the library's
!> message (run by error_stop.sh, which checks the exit status and the message).
program error_stop
  use, intrinsic :: iso_fortran_env, only: real64
  use numgrad
  implicit none
  real(real64) :: f(5, 4), g(5, 4, 2)
  f = 1
  call gradient(f, g, edge_order=3)
  print '(a)', 'error_stop: gradient returned after an error'
end program error_stop
