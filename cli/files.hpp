// files.hpp: memory-mapped .npy input, small .npy arrays read into memory, and an
// output file that appears atomically (temporary file, rename) or not at all.
#ifndef NUMGRAD_CLI_FILES_HPP
#define NUMGRAD_CLI_FILES_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "npy.hpp"

namespace cli {

// A failure to report as "numgrad: <subject>: <problem>" with exit status 2.
struct Failure : std::runtime_error {
    Failure(std::string subject, const std::string &problem)
        : std::runtime_error(problem), subject_(std::move(subject)) {}
    const std::string &subject() const { return subject_; }

  private:
    std::string subject_;
};

// Installs the handlers that remove a pending temporary output on SIGINT, SIGTERM,
// SIGHUP and SIGPIPE, and that turn a SIGBUS in a mapped file (the file shrank under
// us, or the disk filled up) into a one-line error. Call once, early.
void install_signal_handlers();

// An input .npy file, validated and mapped read-only (MAP_SHARED, nothing copied).
class MappedInput {
  public:
    explicit MappedInput(const std::string &path);
    ~MappedInput();
    MappedInput(const MappedInput &) = delete;
    MappedInput &operator=(const MappedInput &) = delete;

    const npy::Header &header() const { return header_; }
    const std::string &path() const { return path_; }
    // Address of the first element (valid, never dereferenced, when there are none).
    void *data() const;

  private:
    std::string path_;
    npy::Header header_;
    int fd_ = -1;
    void *map_ = nullptr;
    std::size_t map_len_ = 0;
};

// A small 1-D .npy array of any real numeric dtype (either byte order), as float64.
// Rejects anything that is not 1-D with `expected_length` elements.
std::vector<double> read_coordinates(const std::string &path, int64_t expected_length,
                                     const std::string &what_length);

// The output file. Created as a hidden temporary file next to `path`; commit() makes
// it complete and durable and renames it over `path`. Destroyed uncommitted, it
// removes the temporary file, so `path` is never partial and never replaced by an
// incomplete file.
class AtomicOutput {
  public:
    explicit AtomicOutput(const std::string &path);
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput &) = delete;
    AtomicOutput &operator=(const AtomicOutput &) = delete;

    // Sizes the temporary file (reserving the disk blocks where the file system
    // can) and maps it read-write. Returns its address.
    unsigned char *map(uint64_t size);
    void commit();

    const std::string &path() const { return path_; }

  private:
    void discard() noexcept;

    std::string path_;    // as given, for messages
    std::string target_;  // what is replaced (symbolic links resolved)
    std::string dir_;
    std::string temp_;
    int fd_ = -1;
    void *map_ = nullptr;
    std::size_t map_len_ = 0;
    bool committed_ = false;
};

}  // namespace cli

#endif
