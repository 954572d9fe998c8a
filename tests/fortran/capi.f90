!> The C API called directly through BIND(C) interfaces, as the reference the module is
!> compared with: a contiguous Fortran array of shape (n1, .., nr) is a C-contiguous
!> array of shape (nr, .., n1), so Fortran dim d is C dim r-d.
module capi
  use, intrinsic :: iso_c_binding, only: c_double, c_int32_t, c_int64_t, c_loc, c_null_ptr, &
    c_ptr, c_sizeof
  implicit none
  private
  public :: ng_spacing_t, ng_boundary_t, capi_gradient, unit_spacing, scalar_spacing, &
    coords_spacing, options_size

  type, bind(c) :: ng_array_t
    integer(c_int32_t) :: dtype
    integer(c_int32_t) :: ndim
    type(c_ptr) :: shape
    type(c_ptr) :: strides
    type(c_ptr) :: data
  end type ng_array_t

  type, bind(c) :: ng_spacing_t
    integer(c_int32_t) :: kind
    integer(c_int32_t) :: reserved
    real(c_double) :: h
    type(c_ptr) :: coords
    integer(c_int64_t) :: ncoords
  end type ng_spacing_t

  type, bind(c) :: ng_boundary_t
    integer(c_int32_t) :: lower
    integer(c_int32_t) :: upper
    real(c_double) :: period
  end type ng_boundary_t

  type, bind(c) :: ng_options_t
    integer(c_int32_t) :: struct_size ! uint32_t in C
    integer(c_int32_t) :: ndims
    type(c_ptr) :: dims
    type(c_ptr) :: spacing
    integer(c_int32_t) :: nspacing
    integer(c_int32_t) :: edge_order
    integer(c_int32_t) :: threads
    integer(c_int32_t) :: reserved
    ! since 0.1: beyond numpy
    type(c_ptr) :: boundary
    integer(c_int32_t) :: nboundary
    integer(c_int32_t) :: accuracy
    integer(c_int32_t) :: strict
    integer(c_int32_t) :: reserved2
  end type ng_options_t

  interface
    function ng_gradient(input, options, outputs, noutputs) bind(c, name='ng_gradient') &
        result(status)
      import :: ng_array_t, ng_options_t, c_int32_t
      type(ng_array_t), intent(in) :: input
      type(ng_options_t), intent(in) :: options
      type(ng_array_t), intent(inout) :: outputs(*)
      integer(c_int32_t), value :: noutputs
      integer(c_int32_t) :: status
    end function ng_gradient
  end interface

contains

  !> sizeof(ng_options) as this interface lays it out (64 bytes since 0.1).
  integer function options_size()
    type(ng_options_t) :: options
    options_size = int(c_sizeof(options))
  end function options_size

  function unit_spacing() result(s)
    type(ng_spacing_t) :: s
    s = ng_spacing_t(0, 0, 1.0_c_double, c_null_ptr, 0_c_int64_t)
  end function unit_spacing

  function scalar_spacing(h) result(s)
    real(c_double), intent(in) :: h
    type(ng_spacing_t) :: s
    s = ng_spacing_t(1, 0, h, c_null_ptr, 0_c_int64_t)
  end function scalar_spacing

  function coords_spacing(x) result(s)
    real(c_double), intent(in), target, contiguous :: x(:)
    type(ng_spacing_t) :: s
    s = ng_spacing_t(2, 0, 1.0_c_double, c_loc(x), size(x, kind=c_int64_t))
  end function coords_spacing

  !> ng_gradient on contiguous data of Fortran shape fshape, differentiated along the
  !> Fortran dims `dims` with spacing(1:nspacing); output k starts at outs(k) and has the
  !> Fortran shape oshape (default fshape). boundary (one per dim, or one for all) and
  !> accuracy as in ng_options.
  function capi_gradient(dtype, out_dtype, fshape, input, dims, spacing, edge_order, outs, &
      boundary, accuracy, oshape) result(status)
    integer, intent(in) :: dtype, out_dtype
    integer, intent(in) :: fshape(:)
    type(c_ptr), intent(in) :: input
    integer, intent(in) :: dims(:)
    type(ng_spacing_t), intent(in), target, contiguous :: spacing(:)
    integer, intent(in) :: edge_order
    type(c_ptr), intent(in) :: outs(:)
    type(ng_boundary_t), intent(in), target, contiguous, optional :: boundary(:)
    integer, intent(in), optional :: accuracy
    integer, intent(in), optional :: oshape(:)
    integer :: status
    integer(c_int64_t), target :: cshape(max(size(fshape), 1)), coshape(max(size(fshape), 1))
    integer(c_int32_t), target :: cdims(max(size(dims), 1))
    type(ng_array_t) :: in, out(max(size(outs), 1))
    type(ng_options_t) :: options
    integer :: r, i

    r = size(fshape)
    cshape = 0
    cdims = 0
    do i = 1, r
      cshape(i) = int(fshape(r + 1 - i), c_int64_t)
    end do
    coshape = cshape
    if (present(oshape)) then
      do i = 1, r
        coshape(i) = int(oshape(r + 1 - i), c_int64_t)
      end do
    end if
    do i = 1, size(dims)
      cdims(i) = int(r - dims(i), c_int32_t)
    end do
    in = ng_array_t(int(dtype, c_int32_t), int(r, c_int32_t), c_loc(cshape), c_null_ptr, input)
    do i = 1, size(outs)
      out(i) = ng_array_t(int(out_dtype, c_int32_t), int(r, c_int32_t), c_loc(coshape), &
                          c_null_ptr, outs(i))
    end do
    options = ng_options_t(int(c_sizeof(options), c_int32_t), int(size(dims), c_int32_t), &
                           c_loc(cdims), c_null_ptr, 0_c_int32_t, int(edge_order, c_int32_t), &
                           0_c_int32_t, 0_c_int32_t, c_null_ptr, 0_c_int32_t, 2_c_int32_t, &
                           0_c_int32_t, 0_c_int32_t)
    if (present(boundary)) then
      if (size(boundary) > 0) then
        options%boundary = c_loc(boundary)
        options%nboundary = int(size(boundary), c_int32_t)
      end if
    end if
    if (present(accuracy)) options%accuracy = int(accuracy, c_int32_t)
    if (size(spacing) > 0) then
      options%spacing = c_loc(spacing)
      options%nspacing = int(size(spacing), c_int32_t)
    end if
    status = int(ng_gradient(in, options, out, int(size(outs), c_int32_t)))
  end function capi_gradient

end module capi
