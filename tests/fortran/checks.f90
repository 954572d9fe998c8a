!> Shared by the Fortran test programs: counting checks, and comparing reals bit for bit.
module checks
  use, intrinsic :: iso_fortran_env, only: int32, int64, real32, real64
  implicit none
  private
  public :: check, bits, passed, failed

  integer :: passed = 0, failed = 0

  !> The bit pattern of a real, to compare results exactly (and NaNs too).
  interface bits
    module procedure bits_r32, bits_r64
  end interface bits

contains

  subroutine check(ok, what)
    logical, intent(in) :: ok
    character(len=*), intent(in) :: what
    if (ok) then
      passed = passed + 1
    else
      failed = failed + 1
      print '(a)', 'FAIL: ' // what
    end if
  end subroutine check

  elemental function bits_r32(x) result(b)
    real(real32), intent(in) :: x
    integer(int32) :: b
    b = transfer(x, b)
  end function bits_r32

  elemental function bits_r64(x) result(b)
    real(real64), intent(in) :: x
    integer(int64) :: b
    b = transfer(x, b)
  end function bits_r64

end module checks
