// npy.hpp: the .npy file format (versions 1.0, 2.0 and 3.0), as numpy.lib.format
// writes it: reading a header strictly, and writing one.
#ifndef NUMGRAD_CLI_NPY_HPP
#define NUMGRAD_CLI_NPY_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace npy {

// A problem with a file's content; what() is a short lower-case phrase without the
// file name (the caller prefixes it).
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A dtype descriptor of the simple form numpy writes: byte order, kind, size.
struct Descr {
    char order = '|';  // '<', '>', '=', '|' or 0 when absent
    char kind = 0;     // 'f', 'c', 'i', 'u', 'b' ...
    int size = 0;      // bytes per element
    std::string text;  // the descriptor as written in the header

    // True when the data is stored in the opposite byte order of this machine.
    bool swapped() const;
};

struct Header {
    int major = 0, minor = 0;
    Descr descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
    int64_t data_offset = 0;  // bytes before the first element
    int64_t count = 0;        // number of elements (product of shape)
};

// The number of bytes to read to know a header's length.
constexpr std::size_t kPreambleSize = 12;
// Longer headers are rejected (numpy writes a few hundred bytes at most).
constexpr std::size_t kMaxHeaderSize = 1u << 20;

// Given the first kPreambleSize bytes (fewer if the file is shorter: `avail`), checks
// the magic and version and returns the total header size (data offset).
int64_t header_size(const unsigned char *preamble, std::size_t avail, uint64_t file_size);

// Parses a whole header (`size` bytes, as returned by header_size). Checks the dict's
// keys and value types and computes `count`; does not judge the dtype or the file size.
Header parse_header(const unsigned char *bytes, std::size_t size);

// The header bytes (magic .. trailing newline, padded to a multiple of 64 bytes) of a
// C-order (or Fortran-order) array of `descr` and `shape`.
std::string format_header(const std::string &descr, const std::vector<int64_t> &shape,
                          bool fortran_order = false);

// The native byte-order character of this machine: '<' or '>'.
char native_order();

// "(3, 4)", "(5,)", "()" as Python prints a tuple.
std::string shape_string(const std::vector<int64_t> &shape);

}  // namespace npy

#endif
