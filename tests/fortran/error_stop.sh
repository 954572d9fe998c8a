#!/bin/sh
# An error without stat/errmsg must end the program: non-zero exit status, and the
# message on stderr. Usage: error_stop.sh path/to/fortran_error_stop
out=$("$1" 2>&1)
status=$?
echo "$out"
if [ "$status" -ne 0 ] && echo "$out" | grep -q 'numgrad: gradient: edge_order = 3; it must be 1 or 2'; then
  echo "1 passed, 0 failed"
  exit 0
fi
echo "FAIL: expected a non-zero exit status (got $status) and the message 'numgrad: gradient: edge_order = 3; it must be 1 or 2'"
echo "0 passed, 1 failed"
exit 1
