!> numgrad: numerical gradients of sampled N-dimensional arrays, with the arithmetic
!> of numpy.gradient, for Fortran.
!>
!>   call gradient(f, grad [, dims] [, h | spacing] [, edge_order] [, threads] [, stat] [, errmsg]
!>                 [, boundary] [, accuracy] [, strict])
!>   call partial(f, dim, df [, h | x] [, edge_order] [, threads] [, stat] [, errmsg]
!>                [, boundary] [, accuracy] [, strict])
!>
!> f is real(real32|real64), complex(real32|real64) or integer(int8..int64) of any rank
!> (integers give real(real64) results), passed as it is: sections such as a(1:n:2, :)
!> are used in place, without a copy. Dims use Fortran's numbering: 1 .. rank(f), dim 1
!> varying fastest.
!>   gradient: grad has the shape of f plus one trailing dim, grad(..., k) being the
!>             derivative along dims(k) (default: every dim in order).
!>   partial:  df has the shape of f and receives the derivative along dim.
!> Spacing (default 1 everywhere):
!>   h = 0.5            one uniform spacing for every differentiated dim
!>   h = [dx, dy]       one uniform spacing per differentiated dim
!>   spacing = ng_spacing(x, dy)   per differentiated dim, mixed: a scalar is a uniform
!>                      spacing, a rank-1 array the coordinates of the samples
!>   x = y              (partial) the coordinates of the samples along dim
!> h, x and the arguments of ng_spacing accept real(real32|real64) and integer values;
!> they are used as real(real64), as the C API does.
!> Beyond numpy (keyword arguments):
!>   boundary = ng_boundary(lower [, upper] [, period])   per differentiated dim (an array
!>                      in the order of dims) or one for all: NG_BOUNDARY_EDGE (numpy's
!>                      one-sided differences, the default), NG_BOUNDARY_PERIODIC (both
!>                      sides; period for coordinates: x(n+1) = x(1) + period) or
!>                      NG_BOUNDARY_HALO (the outermost accuracy/2 samples on that side
!>                      are ghost cells: read, not differentiated; the result is shorter
!>                      by accuracy/2 along that dim per halo side)
!>   accuracy = 2 (numpy, the default), 4, 6 or 8: the order of the stencils
!>   strict = .true.    rejects coordinates that are not finite or not strictly
!>                      monotonic, and zero or non-finite spacings and periods
!> Errors: with stat (and/or errmsg) present, stat receives an NG_* status (NG_OK on
!> success), errmsg the message, and nothing is written to the output. With neither, an
!> error ends the program with error stop and the message.
module numgrad
  use, intrinsic :: iso_c_binding, only: c_char, c_double, c_f_pointer, c_int32_t, &
    c_int64_t, c_loc, c_null_ptr, c_ptr, c_size_t
  use, intrinsic :: iso_fortran_env, only: int8, int16, int32, int64, real32, real64
  use, intrinsic :: ieee_arithmetic, only: ieee_is_finite
  implicit none
  private

  public :: gradient, partial, ng_spacing, ng_boundary, numgrad_version, ng_status_name

  ! Status codes: the values of the C enum ng_status, stable and never renumbered.
  integer, parameter, public :: NG_OK = 0
  integer, parameter, public :: NG_ERR_NULL_POINTER = 1
  integer, parameter, public :: NG_ERR_NDIM = 2
  integer, parameter, public :: NG_ERR_SHAPE = 3
  integer, parameter, public :: NG_ERR_DIM_RANGE = 4
  integer, parameter, public :: NG_ERR_DIM_REPEATED = 5
  integer, parameter, public :: NG_ERR_SPACING_COUNT = 6
  integer, parameter, public :: NG_ERR_SPACING = 7
  integer, parameter, public :: NG_ERR_COORD_LENGTH = 8
  integer, parameter, public :: NG_ERR_EDGE_ORDER = 9
  integer, parameter, public :: NG_ERR_TOO_FEW_POINTS = 10
  integer, parameter, public :: NG_ERR_OUTPUT_COUNT = 11
  integer, parameter, public :: NG_ERR_OUTPUT_SHAPE = 12
  integer, parameter, public :: NG_ERR_OUTPUT_DTYPE = 13
  integer, parameter, public :: NG_ERR_OVERFLOW = 14
  integer, parameter, public :: NG_ERR_OVERLAP = 15
  integer, parameter, public :: NG_ERR_DTYPE = 16
  integer, parameter, public :: NG_ERR_OPTIONS = 17
  integer, parameter, public :: NG_ERR_NO_MEMORY = 18
  integer, parameter, public :: NG_ERR_INTERNAL = 19
  integer, parameter, public :: NG_ERR_BOUNDARY = 20
  integer, parameter, public :: NG_ERR_ACCURACY = 21
  integer, parameter, public :: NG_ERR_COORDINATES = 22

  ! Boundary modes: the values of the C enum ng_boundary_mode.
  integer, parameter, public :: NG_BOUNDARY_EDGE = 0
  integer, parameter, public :: NG_BOUNDARY_PERIODIC = 1
  integer, parameter, public :: NG_BOUNDARY_HALO = 2

  ! ng_dtype values.
  integer(c_int32_t), parameter :: NG_FLOAT32 = 1, NG_FLOAT64 = 2, NG_COMPLEX64 = 3, &
    NG_COMPLEX128 = 4, NG_INT8 = 5, NG_INT16 = 6, NG_INT32 = 7, NG_INT64 = 8

  ! ng_spacing_kind values.
  integer(c_int32_t), parameter :: SPACING_UNIT = 0, SPACING_SCALAR = 1, SPACING_COORDS = 2

  ! The longest message kept (the library's own buffer is as long).
  integer, parameter :: MSG_LEN = 1024

  ! The most dims one ng_spacing describes (Fortran's largest rank).
  integer, parameter :: MAX_DIMS = 15

  type :: coordinates
    real(real64), allocatable :: x(:)
  end type coordinates

  !> The spacing of every differentiated dim, in the order of dims:
  !>   ng_spacing(s1 [, s2, ..., s15]), each si a scalar (a uniform spacing) or a rank-1
  !>   array (the coordinates of the samples along that dim), real or integer.
  !> One argument serves every differentiated dim (a uniform spacing) or the only one;
  !> otherwise give one per differentiated dim. It holds copies of its arguments, so it
  !> can be built once and used for many calls. A default-initialised ng_spacing is
  !> unit spacing. (One scalar object rather than an array of per-dim objects: gfortran
  !> 12 leaks the allocatable parts of function results inside array constructors.)
  type :: ng_spacing
    private
    integer :: n = 0                          ! number of dims described
    integer(c_int32_t) :: kind(MAX_DIMS) = SPACING_UNIT
    real(real64) :: h(MAX_DIMS) = 1
    type(coordinates) :: coords(MAX_DIMS)
    integer :: status = NG_OK                 ! an argument that was not usable
    character(len=120) :: msg = ''
  end type ng_spacing

  interface ng_spacing
    module procedure make_spacing
  end interface ng_spacing

  !> The boundaries of one differentiated dim:
  !>   ng_boundary(lower [, upper] [, period])
  !> lower, upper: NG_BOUNDARY_EDGE, NG_BOUNDARY_PERIODIC or NG_BOUNDARY_HALO, for the
  !> first and the last samples along the dim (upper defaults to lower). period
  !> (periodic coordinates only, real or integer): x(n+1) = x(1) + period. A
  !> default-initialised ng_boundary is NG_BOUNDARY_EDGE on both sides (numpy's).
  !> Give one (for every differentiated dim) or an array of one per differentiated dim.
  type :: ng_boundary
    private
    integer :: lower = NG_BOUNDARY_EDGE
    integer :: upper = NG_BOUNDARY_EDGE
    real(real64) :: period = 0
    integer :: status = NG_OK                 ! an argument that was not usable
    character(len=80) :: msg = ''
  end type ng_boundary

  interface ng_boundary
    module procedure make_boundary
  end interface ng_boundary

  !> call gradient(f, grad [, dims, h, spacing, edge_order, threads, stat, errmsg,
  !>                boundary, accuracy, strict])
  interface gradient
    module procedure gradient_r32, gradient_r64, gradient_c32, gradient_c64
    module procedure gradient_i8, gradient_i16, gradient_i32, gradient_i64
  end interface gradient

  !> call partial(f, dim, df [, h, x, edge_order, threads, stat, errmsg, boundary,
  !>               accuracy, strict])
  interface partial
    module procedure partial_r32, partial_r64, partial_c32, partial_c64
    module procedure partial_i8, partial_i16, partial_i32, partial_i64
  end interface partial

  ! An integer as text, for messages.
  interface str
    module procedure str_i32, str_i64
  end interface str

  ! The C struct ng_spacing, field for field.
  type, bind(c) :: spacing_c
    integer(c_int32_t) :: kind
    integer(c_int32_t) :: reserved
    real(c_double) :: h
    type(c_ptr) :: coords
    integer(c_int64_t) :: ncoords
  end type spacing_c

  ! The C struct ng_boundary, field for field.
  type, bind(c) :: boundary_c
    integer(c_int32_t) :: lower
    integer(c_int32_t) :: upper
    real(c_double) :: period
  end type boundary_c

  ! One call, as checked so far.
  type :: request
    integer :: status = NG_OK
    character(len=MSG_LEN) :: msg = ''
    integer :: rank = 0
    integer(int64) :: n(15) = 0       ! extents of f
    integer :: k = 0                  ! number of differentiated dims
    integer :: dims(15) = 0           ! the differentiated dims, 1-based
    integer :: edge_order = 1
    integer :: threads = 0
    integer :: nspacing = 0
    type(spacing_c), allocatable :: spacing(:)
    integer :: accuracy = 2
    logical :: strict = .false.
    integer :: nboundary = 0
    type(boundary_c) :: boundary(15)
    integer(int64) :: halo_lo(15) = 0 ! ghost cells of each dim of f (by Fortran dim)
    integer(int64) :: halo_hi(15) = 0
  end type request

  interface
    ! bindings/fortran/numgrad_fortran.c
    function ngf_gradient(f, dtype, out, stacked, ndims, dims, nspacing, spacing, edge_order, &
                          threads, nboundary, boundary, accuracy, strict, msg, msglen) &
        bind(c, name='ngf_gradient') result(status)
      import :: boundary_c, c_char, c_int32_t, spacing_c
      type(*), intent(in) :: f(..)
      integer(c_int32_t), value :: dtype
      type(*), intent(inout) :: out(..)
      integer(c_int32_t), value :: stacked, ndims
      integer(c_int32_t), intent(in) :: dims(*)
      integer(c_int32_t), value :: nspacing
      type(spacing_c), intent(in) :: spacing(*)
      integer(c_int32_t), value :: edge_order, threads, nboundary
      type(boundary_c), intent(in) :: boundary(*)
      integer(c_int32_t), value :: accuracy, strict
      character(kind=c_char), intent(inout) :: msg(*)
      integer(c_int32_t), value :: msglen
      integer(c_int32_t) :: status
    end function ngf_gradient

    function ng_version_string() bind(c, name='ng_version_string') result(text)
      import :: c_ptr
      type(c_ptr) :: text
    end function ng_version_string

    function ng_status_string(status) bind(c, name='ng_status_string') result(text)
      import :: c_int32_t, c_ptr
      integer(c_int32_t), value :: status
      type(c_ptr) :: text
    end function ng_status_string

    function c_strlen(text) bind(c, name='strlen') result(n)
      import :: c_ptr, c_size_t
      type(c_ptr), value :: text
      integer(c_size_t) :: n
    end function c_strlen
  end interface

contains

  ! The specific procedures: one per element type, all thin.

  subroutine gradient_r32(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    real(real32), intent(in) :: f(..)
    real(real32), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_FLOAT32, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_r32

  subroutine partial_r32(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    real(real32), intent(in) :: f(..)
    integer, intent(in) :: dim
    real(real32), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_FLOAT32, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_r32

  subroutine gradient_r64(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    real(real64), intent(in) :: f(..)
    real(real64), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_FLOAT64, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_r64

  subroutine partial_r64(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    real(real64), intent(in) :: f(..)
    integer, intent(in) :: dim
    real(real64), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_FLOAT64, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_r64

  subroutine gradient_c32(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    complex(real32), intent(in) :: f(..)
    complex(real32), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_COMPLEX64, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_c32

  subroutine partial_c32(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    complex(real32), intent(in) :: f(..)
    integer, intent(in) :: dim
    complex(real32), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_COMPLEX64, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_c32

  subroutine gradient_c64(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    complex(real64), intent(in) :: f(..)
    complex(real64), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_COMPLEX128, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_c64

  subroutine partial_c64(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    complex(real64), intent(in) :: f(..)
    integer, intent(in) :: dim
    complex(real64), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_COMPLEX128, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_c64

  subroutine gradient_i8(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    integer(int8), intent(in) :: f(..)
    real(real64), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_INT8, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_i8

  subroutine partial_i8(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    integer(int8), intent(in) :: f(..)
    integer, intent(in) :: dim
    real(real64), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_INT8, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_i8

  subroutine gradient_i16(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    integer(int16), intent(in) :: f(..)
    real(real64), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_INT16, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_i16

  subroutine partial_i16(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    integer(int16), intent(in) :: f(..)
    integer, intent(in) :: dim
    real(real64), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_INT16, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_i16

  subroutine gradient_i32(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    integer(int32), intent(in) :: f(..)
    real(real64), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_INT32, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_i32

  subroutine partial_i32(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    integer(int32), intent(in) :: f(..)
    integer, intent(in) :: dim
    real(real64), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_INT32, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_i32

  subroutine gradient_i64(f, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    integer(int64), intent(in) :: f(..)
    real(real64), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call gradient_any(f, NG_INT64, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                      boundary, accuracy, strict)
  end subroutine gradient_i64

  subroutine partial_i64(f, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    integer(int64), intent(in) :: f(..)
    integer, intent(in) :: dim
    real(real64), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    call partial_any(f, NG_INT64, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                     accuracy, strict)
  end subroutine partial_i64

  !> The library's version, e.g. "0.1.0".
  function numgrad_version() result(version)
    character(len=:), allocatable :: version
    version = c_string(ng_version_string())
  end function numgrad_version

  !> The name of a status code, e.g. "NG_ERR_EDGE_ORDER".
  function ng_status_name(status) result(name)
    integer, intent(in) :: status
    character(len=:), allocatable :: name
    name = c_string(ng_status_string(int(status, c_int32_t)))
  end function ng_status_name

  function c_string(p) result(text)
    type(c_ptr), intent(in) :: p
    character(len=:), allocatable :: text
    character(kind=c_char), pointer :: chars(:)
    integer :: i, n
    n = int(c_strlen(p))
    call c_f_pointer(p, chars, [n])
    allocate (character(len=n) :: text)
    do i = 1, n
      text(i:i) = chars(i)
    end do
  end function c_string

  !> ng_spacing(s1 [, s2, ..., s15]): see the type.
  function make_spacing(s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, &
      s15) result(spacing)
    class(*), intent(in), optional :: s1(..), s2(..), s3(..), s4(..), s5(..), s6(..), s7(..), &
      s8(..), s9(..), s10(..), s11(..), s12(..), s13(..), s14(..), s15(..)
    type(ng_spacing) :: spacing
    call add_spacing(spacing, 1, s1)
    call add_spacing(spacing, 2, s2)
    call add_spacing(spacing, 3, s3)
    call add_spacing(spacing, 4, s4)
    call add_spacing(spacing, 5, s5)
    call add_spacing(spacing, 6, s6)
    call add_spacing(spacing, 7, s7)
    call add_spacing(spacing, 8, s8)
    call add_spacing(spacing, 9, s9)
    call add_spacing(spacing, 10, s10)
    call add_spacing(spacing, 11, s11)
    call add_spacing(spacing, 12, s12)
    call add_spacing(spacing, 13, s13)
    call add_spacing(spacing, 14, s14)
    call add_spacing(spacing, 15, s15)
  end function make_spacing

  ! Records argument i of ng_spacing (if present) in slot spacing%n + 1.
  subroutine add_spacing(spacing, i, s)
    type(ng_spacing), intent(inout) :: spacing
    integer, intent(in) :: i
    class(*), intent(in), optional :: s(..)
    integer :: j
    if (.not. present(s) .or. spacing%status /= NG_OK) return
    j = spacing%n + 1
    if (j /= i) then
      spacing%status = NG_ERR_SPACING
      spacing%msg = 'ng_spacing: argument ' // str(i) // ' is given without argument ' // str(j)
      return
    end if
    spacing%n = j
    select rank (s)
    rank (0)
      spacing%kind(j) = SPACING_SCALAR
      if (.not. scalar_real64(s, spacing%h(j))) spacing%status = NG_ERR_SPACING
    rank (1)
      spacing%kind(j) = SPACING_COORDS
      if (.not. to_real64(s, spacing%coords(j)%x)) spacing%status = NG_ERR_SPACING
    rank default
      spacing%status = NG_ERR_SPACING
      spacing%msg = 'ng_spacing: argument ' // str(i) // ' has rank ' // str(rank(s)) // &
                    '; give a scalar (a uniform spacing) or a rank-1 array (coordinates)'
      return
    end select
    if (spacing%status /= NG_OK) &
      spacing%msg = 'ng_spacing: argument ' // str(i) // ' must be real or integer'
  end subroutine add_spacing

  !> ng_boundary(lower [, upper] [, period]): see the type.
  function make_boundary(lower, upper, period) result(boundary)
    integer, intent(in) :: lower
    integer, intent(in), optional :: upper
    class(*), intent(in), optional :: period
    type(ng_boundary) :: boundary
    boundary%lower = lower
    boundary%upper = lower
    if (present(upper)) boundary%upper = upper
    if (present(period)) then
      if (.not. scalar_real64(period, boundary%period)) then
        boundary%period = 0
        boundary%status = NG_ERR_BOUNDARY
        boundary%msg = 'ng_boundary: period must be real or integer'
      end if
    end if
  end function make_boundary

  ! The type-generic implementation: checks everything that names a dim here, so that
  ! messages use Fortran's numbering, then lets the library check the rest and compute.

  subroutine gradient_any(f, dtype, grad, dims, h, spacing, edge_order, threads, stat, errmsg, &
                          boundary, accuracy, strict)
    type(*), intent(in) :: f(..)
    integer(c_int32_t), intent(in) :: dtype
    type(*), intent(inout) :: grad(..)
    integer, intent(in), optional :: dims(:)
    class(*), intent(in), optional :: h(..)
    type(ng_spacing), intent(in), optional, target :: spacing
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary(..)
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    type(request) :: rq
    integer :: d, i, r
    integer :: named_by(15)

    call start(rq, rank(f), edge_order, threads, accuracy, strict)
    r = rq%rank
    do d = 1, r
      rq%n(d) = size(f, d, kind=int64)
    end do
    if (r > 0 .and. rq%status == NG_OK) call check_extent(rq, rq%n(r), 'f')

    ! dims
    if (rq%status == NG_OK) then
      if (present(dims)) then
        named_by = 0
        do i = 1, size(dims)
          d = dims(i)
          if (d < 1 .or. d > r) then
            call fail(rq, NG_ERR_DIM_RANGE, 'dims(' // str(i) // ') = ' // str(d) // &
                      ' is outside ' // dim_range(r))
            exit
          end if
          if (named_by(d) > 0) then
            call fail(rq, NG_ERR_DIM_REPEATED, 'dims(' // str(i) // ') = ' // str(d) // &
                      ' names dim ' // str(d) // ' again (dims(' // str(named_by(d)) // &
                      ') named it)')
            exit
          end if
          named_by(d) = i
          rq%k = i
          rq%dims(i) = d
        end do
      else
        rq%k = r
        rq%dims(1:r) = [(d, d = 1, r)]
      end if
    end if

    ! spacing
    if (rq%status == NG_OK .and. present(h) .and. present(spacing)) &
      call fail(rq, NG_ERR_SPACING, 'give h or spacing, not both')
    if (rq%status == NG_OK .and. present(h)) then
      select rank (h)
      rank (0)
        call scalar_spacing(rq, h, 'h')
      rank (1)
        call vector_spacing(rq, h)
      rank default
        call fail(rq, NG_ERR_SPACING, 'h has rank ' // str(rank(h)) // &
                  '; give a scalar (one spacing for all dims) or a rank-1 array (one per dim)')
      end select
    else if (rq%status == NG_OK .and. present(spacing)) then
      call list_spacing(rq, spacing)
    end if

    ! boundary (after the spacing: a period belongs to coordinates)
    if (rq%status == NG_OK .and. present(boundary)) then
      select rank (boundary)
      rank (0)
        call set_boundaries(rq, [boundary])
      rank (1)
        call set_boundaries(rq, boundary)
      rank default
        call fail(rq, NG_ERR_BOUNDARY, 'boundary has rank ' // str(rank(boundary)) // &
                  '; give one ng_boundary (for all dims) or a rank-1 array (one per dim)')
      end select
    end if
    call check_points(rq)
    call check_strict(rq)

    ! grad: the shape of f (less its halo cells) and one trailing dim of extent k
    if (rq%status == NG_OK .and. rank(grad) /= r + 1) &
      call fail(rq, NG_ERR_OUTPUT_SHAPE, 'grad has rank ' // str(rank(grad)) // &
                ' but must have rank ' // str(r + 1) // ': the shape of f and a trailing dim')
    ! (Fortran's .and. may evaluate both sides: size(grad, r + 1) only once the rank is right.)
    if (rq%status == NG_OK) call check_extent(rq, size(grad, r + 1, kind=int64), 'grad')
    if (rq%status == NG_OK) then
      if (size(grad, r + 1) /= rq%k) &
        call fail(rq, NG_ERR_OUTPUT_COUNT, 'size(grad, ' // str(r + 1) // ') is ' // &
                  str(size(grad, r + 1, kind=int64)) // ' but ' // str(rq%k) // &
                  ' dims are differentiated')
    end if
    do d = 1, r
      if (rq%status /= NG_OK) exit
      call check_output_extent(rq, 'grad', d, size(grad, d, kind=int64))
    end do

    if (rq%status == NG_OK) call run(rq, f, dtype, grad, 1)
    call finish(rq, 'gradient', stat, errmsg)
  end subroutine gradient_any

  subroutine partial_any(f, dtype, dim, df, h, x, edge_order, threads, stat, errmsg, boundary, &
                         accuracy, strict)
    type(*), intent(in) :: f(..)
    integer(c_int32_t), intent(in) :: dtype
    integer, intent(in) :: dim
    type(*), intent(inout) :: df(..)
    class(*), intent(in), optional :: h, x(:)
    integer, intent(in), optional :: edge_order, threads
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    type(ng_boundary), intent(in), optional :: boundary
    integer, intent(in), optional :: accuracy
    logical, intent(in), optional :: strict
    type(request) :: rq
    real(real64), allocatable, target :: coords(:)
    integer :: d, r

    call start(rq, rank(f), edge_order, threads, accuracy, strict)
    r = rq%rank
    do d = 1, r
      rq%n(d) = size(f, d, kind=int64)
    end do
    if (r > 0 .and. rq%status == NG_OK) call check_extent(rq, rq%n(r), 'f')

    if (rq%status == NG_OK) then
      if (dim < 1 .or. dim > r) then
        call fail(rq, NG_ERR_DIM_RANGE, 'dim = ' // str(dim) // ' is outside ' // dim_range(r))
      else
        rq%k = 1
        rq%dims(1) = dim
      end if
    end if

    if (rq%status == NG_OK .and. present(h) .and. present(x)) &
      call fail(rq, NG_ERR_SPACING, 'give h or x, not both')
    if (rq%status == NG_OK .and. present(h)) then
      call scalar_spacing(rq, h, 'h')
    else if (rq%status == NG_OK .and. present(x)) then
      if (.not. to_real64(x, coords)) then
        call fail(rq, NG_ERR_SPACING, 'x must be real or integer')
      else if (size(coords, kind=int64) /= rq%n(dim)) then
        call fail(rq, NG_ERR_COORD_LENGTH, 'x has ' // str(size(coords)) // &
                  ' coordinates but dim ' // str(dim) // ' of f has ' // str(rq%n(dim)) // &
                  ' samples')
      else
        call set_coords(rq, 1, coords)
        rq%nspacing = 1
      end if
    end if
    if (rq%status == NG_OK .and. present(boundary)) call set_boundaries(rq, [boundary])
    call check_points(rq)
    call check_strict(rq)

    if (rq%status == NG_OK .and. rank(df) /= r) &
      call fail(rq, NG_ERR_OUTPUT_SHAPE, 'df has rank ' // str(rank(df)) // &
                ' but f has rank ' // str(r))
    if (r > 0 .and. rq%status == NG_OK) call check_extent(rq, size(df, r, kind=int64), 'df')
    do d = 1, r
      if (rq%status /= NG_OK) exit
      call check_output_extent(rq, 'df', d, size(df, d, kind=int64))
    end do

    if (rq%status == NG_OK) call run(rq, f, dtype, df, 0)
    call finish(rq, 'partial', stat, errmsg)
  end subroutine partial_any

  ! The checks that do not depend on the dims: edge_order, threads and accuracy.
  subroutine start(rq, r, edge_order, threads, accuracy, strict)
    type(request), intent(inout) :: rq
    integer, intent(in) :: r
    integer, intent(in), optional :: edge_order, threads, accuracy
    logical, intent(in), optional :: strict
    rq%rank = r
    if (present(edge_order)) rq%edge_order = edge_order
    if (present(threads)) rq%threads = threads
    if (present(accuracy)) rq%accuracy = accuracy
    if (present(strict)) rq%strict = strict
    allocate (rq%spacing(1))
    rq%spacing(1) = spacing_c(SPACING_UNIT, 0, 1.0_c_double, c_null_ptr, 0_c_int64_t)
    if (rq%threads < 0) then
      call fail(rq, NG_ERR_OPTIONS, 'threads = ' // str(rq%threads) // &
                '; give 0 (the default) or a positive count')
    else if (rq%edge_order /= 1 .and. rq%edge_order /= 2) then
      call fail(rq, NG_ERR_EDGE_ORDER, 'edge_order = ' // str(rq%edge_order) // &
                '; it must be 1 or 2')
    else if (all(rq%accuracy /= [2, 4, 6, 8])) then
      call fail(rq, NG_ERR_ACCURACY, 'accuracy = ' // str(rq%accuracy) // &
                '; it must be 2, 4, 6 or 8')
    end if
  end subroutine start

  ! An assumed-size actual argument has no last extent (size -1).
  subroutine check_extent(rq, n, name)
    type(request), intent(inout) :: rq
    integer(int64), intent(in) :: n
    character(len=*), intent(in) :: name
    if (n < 0) call fail(rq, NG_ERR_SHAPE, name // ' is an assumed-size array (its last ' // &
                         'extent is unknown): pass a section with an upper bound')
  end subroutine check_extent

  ! Every differentiated dim needs edge_order+1 samples with numpy's stencils (accuracy
  ! 2, edge on both sides), accuracy+1 otherwise (ghost cells included).
  subroutine check_points(rq)
    type(request), intent(inout) :: rq
    integer :: i, d
    integer(int64) :: need
    do i = 1, rq%k
      if (rq%status /= NG_OK) exit
      d = rq%dims(i)
      if (numpy_stencils(rq, i)) then
        if (rq%n(d) < rq%edge_order + 1) &
          call fail(rq, NG_ERR_TOO_FEW_POINTS, 'dim ' // str(d) // ' of f has ' // &
                    str(rq%n(d)) // ' samples; edge_order ' // str(rq%edge_order) // &
                    ' needs at least ' // str(rq%edge_order + 1))
      else
        need = rq%accuracy + 1
        if (rq%n(d) < need .and. rq%accuracy == 2) then
          call fail(rq, NG_ERR_TOO_FEW_POINTS, 'dim ' // str(d) // ' of f has ' // &
                    str(rq%n(d)) // ' samples; a periodic or halo boundary needs at least 3')
        else if (rq%n(d) < need) then
          call fail(rq, NG_ERR_TOO_FEW_POINTS, 'dim ' // str(d) // ' of f has ' // &
                    str(rq%n(d)) // ' samples; accuracy ' // str(rq%accuracy) // &
                    ' needs at least ' // str(need))
        end if
      end if
    end do
  end subroutine check_points

  ! Whether differentiated dim i uses numpy's own stencils.
  logical function numpy_stencils(rq, i) result(numpy)
    type(request), intent(in) :: rq
    integer, intent(in) :: i
    numpy = rq%accuracy == 2 .and. lower_mode(rq, i) == NG_BOUNDARY_EDGE .and. &
            upper_mode(rq, i) == NG_BOUNDARY_EDGE
  end function numpy_stencils

  ! The output's extent along dim d: the input's, less the halo cells.
  subroutine check_output_extent(rq, name, d, m)
    type(request), intent(inout) :: rq
    character(len=*), intent(in) :: name
    integer, intent(in) :: d
    integer(int64), intent(in) :: m
    integer(int64) :: want
    want = rq%n(d) - rq%halo_lo(d) - rq%halo_hi(d)
    if (m == want) return
    if (want == rq%n(d)) then
      call fail(rq, NG_ERR_OUTPUT_SHAPE, 'size(' // name // ', ' // str(d) // ') is ' // &
                str(m) // ' but size(f, ' // str(d) // ') is ' // str(rq%n(d)))
    else
      call fail(rq, NG_ERR_OUTPUT_SHAPE, 'size(' // name // ', ' // str(d) // ') is ' // &
                str(m) // ' but must be ' // str(want) // ': size(f, ' // str(d) // ') is ' // &
                str(rq%n(d)) // ', less its ' // str(rq%n(d) - want) // &
                ' halo cells (accuracy/2 = ' // str(rq%accuracy / 2) // ' per halo side)')
    end if
  end subroutine check_output_extent

  ! boundary: one ng_boundary for every differentiated dim, or one per dim.
  subroutine set_boundaries(rq, b)
    type(request), intent(inout) :: rq
    type(ng_boundary), intent(in) :: b(:)
    integer :: i, e, d, m
    logical :: periodic
    character(len=:), allocatable :: name
    m = size(b)
    if (m > 1 .and. m /= rq%k) then
      call fail(rq, NG_ERR_BOUNDARY, 'boundary has ' // str(m) // ' entries but ' // &
                str(rq%k) // ' dims are differentiated: give one for all or one per dim')
      return
    end if
    do e = 1, m
      name = 'boundary'
      if (m > 1) name = 'boundary(' // str(e) // ')'
      if (b(e)%status /= NG_OK) then
        call fail(rq, b(e)%status, name // ': ' // trim(b(e)%msg))
        return
      end if
      if (.not. known_mode(b(e)%lower)) then
        call fail(rq, NG_ERR_BOUNDARY, name // ': lower = ' // str(b(e)%lower) // &
                  '; it must be NG_BOUNDARY_EDGE (0), NG_BOUNDARY_PERIODIC (1) or ' // &
                  'NG_BOUNDARY_HALO (2)')
        return
      end if
      if (.not. known_mode(b(e)%upper)) then
        call fail(rq, NG_ERR_BOUNDARY, name // ': upper = ' // str(b(e)%upper) // &
                  '; it must be NG_BOUNDARY_EDGE (0), NG_BOUNDARY_PERIODIC (1) or ' // &
                  'NG_BOUNDARY_HALO (2)')
        return
      end if
      periodic = b(e)%lower == NG_BOUNDARY_PERIODIC
      if (periodic .neqv. b(e)%upper == NG_BOUNDARY_PERIODIC) then
        call fail(rq, NG_ERR_BOUNDARY, name // ' is periodic on one side only: periodic ' // &
                  'samples wrap around both sides')
        return
      end if
      rq%boundary(e) = boundary_c(int(b(e)%lower, c_int32_t), int(b(e)%upper, c_int32_t), &
                                  real(b(e)%period, c_double))
    end do
    rq%nboundary = m
    do i = 1, rq%k
      e = merge(1, i, m == 1)
      d = rq%dims(i)
      name = 'boundary'
      if (m > 1) name = 'boundary(' // str(e) // ')'
      periodic = lower_mode(rq, i) == NG_BOUNDARY_PERIODIC
      if (periodic .and. has_coords(rq, i) .and. equal(rq%boundary(e)%period, 0.0_c_double)) then
        call fail(rq, NG_ERR_BOUNDARY, name // ' is periodic over the coordinates of dim ' // &
                  str(d) // ' but has no period: give period, so that x(n+1) = x(1) + period')
        return
      end if
      if (.not. equal(rq%boundary(e)%period, 0.0_c_double) .and. &
          .not. (periodic .and. has_coords(rq, i))) then
        call fail(rq, NG_ERR_BOUNDARY, name // ' has period = ' // &
                  real_str(rq%boundary(e)%period) // ', but only periodic coordinates take ' // &
                  'a period (a uniform spacing h repeats after n*h)')
        return
      end if
      if (lower_mode(rq, i) == NG_BOUNDARY_HALO) rq%halo_lo(d) = rq%accuracy / 2
      if (upper_mode(rq, i) == NG_BOUNDARY_HALO) rq%halo_hi(d) = rq%accuracy / 2
    end do
  end subroutine set_boundaries

  logical function known_mode(mode)
    integer, intent(in) :: mode
    known_mode = mode == NG_BOUNDARY_EDGE .or. mode == NG_BOUNDARY_PERIODIC .or. &
                 mode == NG_BOUNDARY_HALO
  end function known_mode

  ! The boundary modes and spacing of differentiated dim i.
  integer function lower_mode(rq, i) result(mode)
    type(request), intent(in) :: rq
    integer, intent(in) :: i
    mode = NG_BOUNDARY_EDGE
    if (rq%nboundary > 0) mode = int(rq%boundary(merge(1, i, rq%nboundary == 1))%lower)
  end function lower_mode

  integer function upper_mode(rq, i) result(mode)
    type(request), intent(in) :: rq
    integer, intent(in) :: i
    mode = NG_BOUNDARY_EDGE
    if (rq%nboundary > 0) mode = int(rq%boundary(merge(1, i, rq%nboundary == 1))%upper)
  end function upper_mode

  logical function has_coords(rq, i)
    type(request), intent(in) :: rq
    integer, intent(in) :: i
    has_coords = .false.
    if (rq%nspacing > 0) has_coords = rq%spacing(merge(1, i, rq%nspacing == 1))%kind == &
                                      SPACING_COORDS
  end function has_coords

  ! strict: finite, nonzero spacings; finite, strictly monotonic coordinates; a period
  ! that continues them.
  subroutine check_strict(rq)
    type(request), intent(inout) :: rq
    integer :: i, d, e
    integer(int64) :: j, n
    real(real64) :: h, sign, next, period
    real(c_double), pointer :: x(:)
    if (.not. rq%strict) return
    do i = 1, rq%k
      if (rq%status /= NG_OK) return
      d = rq%dims(i)
      e = merge(1, i, rq%nspacing <= 1)
      if (.not. has_coords(rq, i)) then
        h = 1
        if (rq%nspacing > 0) then
          if (rq%spacing(e)%kind == SPACING_SCALAR) h = rq%spacing(e)%h
        end if
        if (.not. ieee_is_finite(h) .or. equal(h, 0.0_real64)) &
          call fail(rq, NG_ERR_COORDINATES, 'strict: the spacing of dim ' // str(d) // ' is ' // &
                    real_str(h) // '; it must be finite and nonzero')
        cycle
      end if
      n = rq%spacing(e)%ncoords
      call c_f_pointer(rq%spacing(e)%coords, x, [n])
      do j = 1, n
        if (.not. ieee_is_finite(x(j))) then
          call fail(rq, NG_ERR_COORDINATES, 'strict: the coordinates of dim ' // str(d) // &
                    ' are not finite: x(' // str(j) // ') = ' // real_str(x(j)))
          return
        end if
      end do
      sign = merge(1.0_real64, -1.0_real64, x(2) > x(1))
      do j = 1, n - 1
        if (.not. ((x(j + 1) - x(j)) * sign > 0)) then
          call fail(rq, NG_ERR_COORDINATES, 'strict: the coordinates of dim ' // str(d) // &
                    ' are not strictly monotonic: x(' // str(j) // ') = ' // real_str(x(j)) // &
                    ', x(' // str(j + 1) // ') = ' // real_str(x(j + 1)))
          return
        end if
      end do
      if (lower_mode(rq, i) == NG_BOUNDARY_PERIODIC) then
        period = rq%boundary(merge(1, i, rq%nboundary == 1))%period
        next = x(1) + period
        if (.not. ieee_is_finite(period) .or. .not. ((next - x(n)) * sign > 0)) &
          call fail(rq, NG_ERR_COORDINATES, 'strict: the period of dim ' // str(d) // ' is ' // &
                    real_str(period) // ': x(1) + period = ' // real_str(next) // &
                    ' does not continue the coordinates strictly monotonically after x(' // &
                    str(n) // ') = ' // real_str(x(n)))
      end if
    end do
  end subroutine check_strict

  ! h as one scalar: the same uniform spacing for every differentiated dim.
  subroutine scalar_spacing(rq, h, name)
    type(request), intent(inout) :: rq
    class(*), intent(in) :: h
    character(len=*), intent(in) :: name
    real(real64) :: v
    if (.not. scalar_real64(h, v)) then
      call fail(rq, NG_ERR_SPACING, name // ' must be real or integer')
      return
    end if
    rq%spacing(1)%kind = SPACING_SCALAR
    rq%spacing(1)%h = v
    rq%nspacing = 1
  end subroutine scalar_spacing

  ! h as a rank-1 array: one uniform spacing for all dims, or one per dim.
  subroutine vector_spacing(rq, h)
    type(request), intent(inout) :: rq
    class(*), intent(in) :: h(:)
    real(real64), allocatable :: v(:)
    integer :: i
    if (.not. to_real64(h, v)) then
      call fail(rq, NG_ERR_SPACING, 'h must be real or integer')
      return
    end if
    if (size(v) > 1 .and. size(v) /= rq%k) then
      call fail(rq, NG_ERR_SPACING_COUNT, 'h has ' // str(size(v)) // ' values but ' // &
                str(rq%k) // ' dims are differentiated: give one for all or one per dim')
      return
    end if
    deallocate (rq%spacing)
    allocate (rq%spacing(max(size(v), 1)))
    rq%spacing(1) = spacing_c(SPACING_UNIT, 0, 1.0_c_double, c_null_ptr, 0_c_int64_t)
    do i = 1, size(v)
      rq%spacing(i) = spacing_c(SPACING_SCALAR, 0, v(i), c_null_ptr, 0_c_int64_t)
    end do
    rq%nspacing = size(v)
  end subroutine vector_spacing

  ! spacing = ng_spacing(...): one for all dims, or one per dim.
  subroutine list_spacing(rq, spacing)
    type(request), intent(inout) :: rq
    type(ng_spacing), intent(in), target :: spacing
    integer :: i, d, m
    if (spacing%status /= NG_OK) then
      call fail(rq, spacing%status, spacing%msg)
      return
    end if
    m = spacing%n
    if (m > 1 .and. m /= rq%k) then
      call fail(rq, NG_ERR_SPACING_COUNT, 'spacing describes ' // str(m) // ' dims but ' // &
                str(rq%k) // ' dims are differentiated: give one spacing for all or one per dim')
      return
    end if
    if (m == 1 .and. rq%k > 1) then
      if (spacing%kind(1) == SPACING_COORDS) then
        call fail(rq, NG_ERR_SPACING_COUNT, 'spacing holds coordinates, which belong to ' // &
                  'one dim, but ' // str(rq%k) // ' dims are differentiated: give one per dim')
        return
      end if
    end if
    deallocate (rq%spacing)
    allocate (rq%spacing(max(m, 1)))
    rq%spacing(1) = spacing_c(SPACING_UNIT, 0, 1.0_c_double, c_null_ptr, 0_c_int64_t)
    do i = 1, m
      rq%spacing(i) = spacing_c(spacing%kind(i), 0, spacing%h(i), c_null_ptr, 0_c_int64_t)
      if (spacing%kind(i) /= SPACING_COORDS) cycle
      d = rq%dims(i)
      if (size(spacing%coords(i)%x, kind=int64) /= rq%n(d)) then
        call fail(rq, NG_ERR_COORD_LENGTH, 'spacing: argument ' // str(i) // ' has ' // &
                  str(size(spacing%coords(i)%x)) // ' coordinates but dim ' // str(d) // &
                  ' of f has ' // str(rq%n(d)) // ' samples')
        return
      end if
      call set_coords(rq, i, spacing%coords(i)%x)
    end do
    rq%nspacing = m
  end subroutine list_spacing

  ! Points spacing entry i at coordinates x, which outlive the call to the library.
  subroutine set_coords(rq, i, x)
    type(request), intent(inout) :: rq
    integer, intent(in) :: i
    real(real64), intent(in), target :: x(:)
    rq%spacing(i)%kind = SPACING_COORDS
    rq%spacing(i)%ncoords = size(x, kind=c_int64_t)
    ! A zero-size x never gets here: it is either the wrong length or too few samples,
    ! and both are checked after; c_loc needs a nonzero size.
    if (size(x) > 0) rq%spacing(i)%coords = c_loc(x)
  end subroutine set_coords

  ! Values of a real or integer array as real(real64); false for any other type.
  logical function to_real64(v, x) result(ok)
    class(*), intent(in) :: v(:)
    real(real64), allocatable, intent(out) :: x(:)
    ok = .true.
    select type (v)
    type is (real(real64))
      x = v
    type is (real(real32))
      x = real(v, real64)
    type is (integer(int8))
      x = real(v, real64)
    type is (integer(int16))
      x = real(v, real64)
    type is (integer(int32))
      x = real(v, real64)
    type is (integer(int64))
      x = real(v, real64)
    class default
      ok = .false.
    end select
  end function to_real64

  ! The value of a real or integer scalar as real(real64); false for any other type.
  logical function scalar_real64(v, x) result(ok)
    class(*), intent(in) :: v
    real(real64), intent(out) :: x
    ok = .true.
    x = 1
    select type (v)
    type is (real(real64))
      x = v
    type is (real(real32))
      x = real(v, real64)
    type is (integer(int8))
      x = real(v, real64)
    type is (integer(int16))
      x = real(v, real64)
    type is (integer(int32))
      x = real(v, real64)
    type is (integer(int64))
      x = real(v, real64)
    class default
      ok = .false.
    end select
  end function scalar_real64

  subroutine run(rq, f, dtype, out, stacked)
    type(request), intent(inout) :: rq
    type(*), intent(in) :: f(..)
    integer(c_int32_t), intent(in) :: dtype
    type(*), intent(inout) :: out(..)
    integer, intent(in) :: stacked
    integer(c_int32_t) :: dims0(15)
    character(kind=c_char, len=MSG_LEN) :: buffer
    dims0 = int(rq%dims - 1, c_int32_t)
    buffer = ''
    rq%status = ngf_gradient(f, dtype, out, int(stacked, c_int32_t), int(rq%k, c_int32_t), &
                             dims0, int(rq%nspacing, c_int32_t), rq%spacing, &
                             int(rq%edge_order, c_int32_t), int(rq%threads, c_int32_t), &
                             int(rq%nboundary, c_int32_t), rq%boundary, &
                             int(rq%accuracy, c_int32_t), &
                             merge(1_c_int32_t, 0_c_int32_t, rq%strict), &
                             buffer, int(MSG_LEN, c_int32_t))
    if (rq%status == NG_ERR_OVERLAP) then
      ! The library names C outputs; say which Fortran argument it means.
      rq%msg = merge('grad', 'df  ', stacked == 1)
      rq%msg = trim(rq%msg) // ' shares memory with f or with itself (ng_gradient: ' // &
               trim(buffer) // ')'
    else if (rq%status /= NG_OK) then
      rq%msg = buffer
    end if
  end subroutine run

  subroutine fail(rq, status, msg)
    type(request), intent(inout) :: rq
    integer, intent(in) :: status
    character(len=*), intent(in) :: msg
    rq%status = status
    rq%msg = msg
  end subroutine fail

  ! stdlib style: report through stat/errmsg when the caller gave either, else stop.
  subroutine finish(rq, procedure, stat, errmsg)
    type(request), intent(in) :: rq
    character(len=*), intent(in) :: procedure
    integer, intent(out), optional :: stat
    character(len=*), intent(inout), optional :: errmsg
    if (present(stat)) stat = rq%status
    if (rq%status == NG_OK) return
    if (present(errmsg)) errmsg = rq%msg
    if (.not. present(stat) .and. .not. present(errmsg)) &
      error stop 'numgrad: ' // procedure // ': ' // trim(rq%msg)
  end subroutine finish

  function dim_range(r) result(text)
    integer, intent(in) :: r
    character(len=:), allocatable :: text
    if (r == 0) then
      text = '1..0: f is a scalar and has no dims'
    else
      text = '1..' // str(r) // ' for a rank-' // str(r) // ' f'
    end if
  end function dim_range

  ! a == b for reals, as the C API compares (false for NaN), without gfortran's warning.
  elemental logical function equal(a, b)
    real(real64), intent(in) :: a, b
    equal = a >= b .and. a <= b
  end function equal

  ! A real as text, for messages: shortest of the usual forms, "NaN", "Infinity".
  function real_str(x) result(text)
    real(real64), intent(in) :: x
    character(len=:), allocatable :: text
    character(len=40) :: buffer
    integer :: e, m
    if (equal(x, aint(x)) .and. abs(x) < 1e15_real64) then
      write (buffer, '(i0)') int(x, int64)
    else
      write (buffer, '(g0)') x
    end if
    text = trim(adjustl(buffer))
    ! Drop the trailing zeros of the mantissa: 1.5000000000000000 -> 1.5
    e = scan(text, 'Ee')
    if (e == 0) e = len(text) + 1
    if (index(text(1:e - 1), '.') == 0) return
    m = e - 1
    do while (m > 1 .and. text(m:m) == '0')
      m = m - 1
    end do
    if (text(m:m) == '.') m = m - 1
    text = text(1:m) // text(e:)
  end function real_str

  function str_i32(i) result(text)
    integer(int32), intent(in) :: i
    character(len=:), allocatable :: text
    text = str_i64(int(i, int64))
  end function str_i32

  function str_i64(i) result(text)
    integer(int64), intent(in) :: i
    character(len=:), allocatable :: text
    character(len=24) :: buffer
    write (buffer, '(i0)') i
    text = trim(buffer)
  end function str_i64

end module numgrad
