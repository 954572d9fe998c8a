// files.cpp: POSIX file handling for the numgrad command (Linux: mmap, fallocate).
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1  // fallocate, mkostemps
#endif

#include "files.hpp"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "numgrad.h"

namespace cli {

namespace {

// ---- state shared with the signal handlers (async-signal-safe access only) ----

char g_temp_path[4096];
volatile sig_atomic_t g_have_temp = 0;

struct Region {
    volatile sig_atomic_t active;
    uintptr_t lo, hi;
    char message[1024];
    std::size_t length;
};
Region g_regions[2];  // 0: the input mapping, 1: the output mapping

void set_region(int slot, const void *addr, std::size_t len, const std::string &message) {
    Region &r = g_regions[slot];
    r.active = 0;
    r.lo = reinterpret_cast<uintptr_t>(addr);
    r.hi = r.lo + len;
    std::size_t n = message.size() < sizeof r.message - 1 ? message.size() : sizeof r.message - 2;
    std::memcpy(r.message, message.data(), n);
    r.message[n] = '\n';
    r.length = n + 1;
    r.active = 1;
}

void clear_region(int slot) { g_regions[slot].active = 0; }

void write_all(int fd, const char *p, std::size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

extern "C" void on_sigbus(int, siginfo_t *info, void *) {
    uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
    bool known = false;
    for (const Region &r : g_regions) {
        if (r.active && addr >= r.lo && addr < r.hi) {
            write_all(2, r.message, r.length);
            known = true;
            break;
        }
    }
    if (!known) {
        static const char msg[] = "numgrad: bus error\n";
        write_all(2, msg, sizeof msg - 1);
    }
    if (g_have_temp) ::unlink(g_temp_path);
    _exit(2);
}

extern "C" void on_terminate(int sig) {
    if (g_have_temp) ::unlink(g_temp_path);
    g_have_temp = 0;
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// Blocks the terminating signals while the temporary file's name is being recorded
// or forgotten, so that a signal never misses (or wrongly removes) a file.
class SignalBlock {
  public:
    SignalBlock() {
        sigset_t set;
        sigemptyset(&set);
        for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&set, s);
        pthread_sigmask(SIG_BLOCK, &set, &old_);
    }
    ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

  private:
    sigset_t old_;
};

std::string errno_text(int err) { return std::strerror(err); }

bool read_exact(int fd, unsigned char *buf, std::size_t n, uint64_t offset, std::size_t &got) {
    got = 0;
    while (got < n) {
        ssize_t r = ::pread(fd, buf + got, n - got, static_cast<off_t>(offset + got));
        if (r < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    return true;
}

// Opens a file for reading and checks that it is a regular file.
int open_regular(const std::string &path, struct stat &st) {
    // O_NONBLOCK: opening a FIFO must not hang (it is rejected just below).
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw Failure(path, "cannot open: " + errno_text(errno));
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        throw Failure(path, "cannot stat: " + errno_text(err));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Failure(path, "is a directory, not a .npy file");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Failure(path, "not a regular file");
    }
    return fd;
}

// Reads and parses the header of an open .npy file.
npy::Header read_header(int fd, const std::string &path, uint64_t file_size) {
    try {
        unsigned char pre[npy::kPreambleSize];
        std::size_t got = 0;
        if (!read_exact(fd, pre, sizeof pre, 0, got))
            throw Failure(path, "read error: " + errno_text(errno));
        int64_t hsize = npy::header_size(pre, got, file_size);
        std::vector<unsigned char> bytes(static_cast<std::size_t>(hsize));
        if (!read_exact(fd, bytes.data(), bytes.size(), 0, got))
            throw Failure(path, "read error: " + errno_text(errno));
        if (got != bytes.size()) throw npy::Error("truncated: the file ends inside the header");
        return npy::parse_header(bytes.data(), bytes.size());
    } catch (const npy::Error &e) {
        throw Failure(path, e.what());
    }
}

const char *kSupported = "float32, float64, complex64, complex128, int8..int64 or uint8..uint64";

// The library dtype of a supported input descriptor, or a Failure.
int32_t input_dtype(const npy::Descr &d, const std::string &path) {
    int32_t t = 0;
    switch (d.kind) {
    case 'f': t = d.size == 4 ? NG_FLOAT32 : d.size == 8 ? NG_FLOAT64 : 0; break;
    case 'c': t = d.size == 8 ? NG_COMPLEX64 : d.size == 16 ? NG_COMPLEX128 : 0; break;
    case 'i':
        t = d.size == 1 ? NG_INT8 : d.size == 2 ? NG_INT16 : d.size == 4 ? NG_INT32
            : d.size == 8 ? NG_INT64 : 0;
        break;
    case 'u':
        t = d.size == 1 ? NG_UINT8 : d.size == 2 ? NG_UINT16 : d.size == 4 ? NG_UINT32
            : d.size == 8 ? NG_UINT64 : 0;
        break;
    default: break;
    }
    if (t == 0) {
        std::string name = d.kind == 'b' && d.size == 1 ? " (bool)" : "";
        throw Failure(path, "unsupported dtype '" + d.text + "'" + name + ": numgrad reads " +
                                kSupported);
    }
    if (d.swapped())
        throw Failure(path, "big-endian data ('" + d.text +
                                "') is not supported: convert it first, e.g. "
                                "numpy.save(name, a.astype(a.dtype.newbyteorder('<')))");
    return t;
}

// Bytes of data a header describes, or a Failure when that does not fit in int64.
uint64_t data_bytes(const npy::Header &h, const std::string &path) {
    uint64_t item = static_cast<uint64_t>(h.descr.size);
    if (h.count != 0 &&
        static_cast<uint64_t>(h.count) > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / item)
        throw Failure(path, "shape " + npy::shape_string(h.shape) + " is too large");
    return static_cast<uint64_t>(h.count) * item;
}

void check_file_size(const npy::Header &h, uint64_t nbytes, uint64_t file_size,
                     const std::string &path) {
    uint64_t want = static_cast<uint64_t>(h.data_offset) + nbytes;
    if (want < nbytes) throw Failure(path, "shape " + npy::shape_string(h.shape) + " is too large");
    std::string what = "shape " + npy::shape_string(h.shape) + " of '" + h.descr.text + "' needs " +
                       std::to_string(nbytes) + " data bytes after the " +
                       std::to_string(h.data_offset) + "-byte header";
    if (file_size < want)
        throw Failure(path, "truncated: " + what + ", the file has " +
                                std::to_string(file_size - static_cast<uint64_t>(h.data_offset)));
    if (file_size > want)
        throw Failure(path, std::to_string(file_size - want) +
                                (file_size - want == 1 ? " unexpected byte" : " unexpected bytes") +
                                " after the data (" + what + ")");
}

double half_to_double(uint16_t h) {
    int sign = h >> 15, exp = (h >> 10) & 31, mant = h & 1023;
    double v;
    if (exp == 0) v = std::ldexp(mant, -24);
    else if (exp == 31) v = mant ? std::numeric_limits<double>::quiet_NaN()
                                 : std::numeric_limits<double>::infinity();
    else v = std::ldexp(mant + 1024, exp - 25);
    return sign ? -v : v;
}

}  // namespace

void install_signal_handlers() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_terminate;
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::sigaction(s, &sa, nullptr);
    std::memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    ::sigaction(SIGBUS, &sa, nullptr);
}

// ---------------------------------------------------------------------------------

MappedInput::MappedInput(const std::string &path) : path_(path) {
    struct stat st;
    fd_ = open_regular(path, st);
    try {
        uint64_t file_size = static_cast<uint64_t>(st.st_size);
        header_ = read_header(fd_, path, file_size);
        input_dtype(header_.descr, path);
        if (header_.shape.size() > NG_MAX_NDIM)
            throw Failure(path, "a " + std::to_string(header_.shape.size()) +
                                    "-d array: numgrad handles at most " +
                                    std::to_string(NG_MAX_NDIM) + " dims");
        uint64_t nbytes = data_bytes(header_, path);
        check_file_size(header_, nbytes, file_size, path);
        // numpy aligns the data to 64 bytes; a file whose data is not even aligned to
        // its element type cannot be used in place.
        int align = header_.descr.kind == 'c' ? header_.descr.size / 2 : header_.descr.size;
        if (header_.data_offset % align != 0)
            throw Failure(path, "the data starts at byte " + std::to_string(header_.data_offset) +
                                    ", not aligned to its " + std::to_string(align) +
                                    "-byte elements (re-save the file with numpy.save)");
        map_len_ = static_cast<std::size_t>(file_size);
        map_ = ::mmap(nullptr, map_len_, PROT_READ, MAP_SHARED, fd_, 0);
        if (map_ == MAP_FAILED) {
            map_ = nullptr;
            throw Failure(path, "cannot map: " + errno_text(errno));
        }
        set_region(0, map_, map_len_,
                   "numgrad: " + path + ": read error in the mapped file (did it shrink while "
                   "numgrad ran?)");
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

MappedInput::~MappedInput() {
    if (map_) {
        clear_region(0);
        ::munmap(map_, map_len_);
    }
    if (fd_ >= 0) ::close(fd_);
}

void *MappedInput::data() const {
    return static_cast<unsigned char *>(map_) + header_.data_offset;
}

// ---------------------------------------------------------------------------------

std::vector<double> read_coordinates(const std::string &path, int64_t expected_length,
                                     const std::string &what_length) {
    struct stat st;
    int fd = open_regular(path, st);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    uint64_t file_size = static_cast<uint64_t>(st.st_size);
    npy::Header h = read_header(fd, path, file_size);
    const npy::Descr &d = h.descr;
    bool real = (d.kind == 'f' && (d.size == 2 || d.size == 4 || d.size == 8)) ||
                ((d.kind == 'i' || d.kind == 'u') &&
                 (d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8));
    if (d.kind == 'c')
        throw Failure(path, "complex coordinates ('" + d.text + "') are not supported");
    if (!real)
        throw Failure(path, "unsupported dtype '" + d.text +
                                "' for coordinates: give float16/32/64 or an integer type");
    if (h.shape.size() != 1)
        throw Failure(path, "coordinates must be a 1-D array, this one has shape " +
                                npy::shape_string(h.shape));
    if (h.count != expected_length)
        throw Failure(path, std::to_string(h.count) + " coordinates, but " + what_length);
    uint64_t nbytes = data_bytes(h, path);
    check_file_size(h, nbytes, file_size, path);

    std::vector<unsigned char> raw(static_cast<std::size_t>(nbytes));
    std::size_t got = 0;
    if (!read_exact(fd, raw.data(), raw.size(), static_cast<uint64_t>(h.data_offset), got))
        throw Failure(path, "read error: " + errno_text(errno));
    if (got != raw.size()) throw Failure(path, "truncated while reading");

    std::vector<double> out(static_cast<std::size_t>(h.count));
    const std::size_t size = static_cast<std::size_t>(d.size);
    const bool swap = d.swapped();
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned char b[8];
        std::memcpy(b, raw.data() + i * size, size);
        if (swap)
            for (std::size_t j = 0; j < size / 2; ++j) std::swap(b[j], b[size - 1 - j]);
        double v = 0;
        if (d.kind == 'f') {
            if (size == 2) { uint16_t x; std::memcpy(&x, b, 2); v = half_to_double(x); }
            else if (size == 4) { float x; std::memcpy(&x, b, 4); v = x; }
            else { std::memcpy(&v, b, 8); }
        } else if (d.kind == 'i') {
            if (size == 1) { int8_t x; std::memcpy(&x, b, 1); v = x; }
            else if (size == 2) { int16_t x; std::memcpy(&x, b, 2); v = x; }
            else if (size == 4) { int32_t x; std::memcpy(&x, b, 4); v = x; }
            else { int64_t x; std::memcpy(&x, b, 8); v = static_cast<double>(x); }
        } else {
            if (size == 1) { uint8_t x; std::memcpy(&x, b, 1); v = x; }
            else if (size == 2) { uint16_t x; std::memcpy(&x, b, 2); v = x; }
            else if (size == 4) { uint32_t x; std::memcpy(&x, b, 4); v = x; }
            else { uint64_t x; std::memcpy(&x, b, 8); v = static_cast<double>(x); }
        }
        out[i] = v;
    }
    return out;
}

// ---------------------------------------------------------------------------------

AtomicOutput::AtomicOutput(const std::string &path) : path_(path), target_(path) {
    if (path.empty()) throw Failure("--output", "an empty file name");
    struct stat st;
    bool exists = false;
    mode_t mode = 0;
    if (::lstat(path.c_str(), &st) == 0) {
        exists = true;
        if (S_ISLNK(st.st_mode)) {
            // Replace the file the link points to, and keep the link.
            char *real = ::realpath(path.c_str(), nullptr);
            if (!real) throw Failure(path, "a symbolic link that cannot be followed: " +
                                               errno_text(errno));
            target_ = real;
            std::free(real);
            if (::stat(target_.c_str(), &st) != 0)
                throw Failure(path, "cannot stat: " + errno_text(errno));
        }
        if (S_ISDIR(st.st_mode)) throw Failure(path, "is a directory");
        if (!S_ISREG(st.st_mode))
            throw Failure(path, "exists and is not a regular file (numgrad only replaces "
                                "regular files)");
        mode = st.st_mode & 07777;
    } else if (errno != ENOENT) {
        throw Failure(path, "cannot write: " + errno_text(errno));
    }
    if (!exists) {
        mode_t mask = ::umask(0);
        ::umask(mask);
        mode = 0666 & ~mask;
    }

    std::size_t slash = target_.rfind('/');
    std::string base;
    if (slash == std::string::npos) {
        dir_ = ".";
        base = target_;
    } else {
        dir_ = slash == 0 ? "/" : target_.substr(0, slash);
        base = target_.substr(slash + 1);
    }
    if (base.empty()) throw Failure(path, "is a directory");
    std::string templ = (slash == std::string::npos ? std::string() : target_.substr(0, slash + 1)) +
                        "." + base + ".numgrad-XXXXXX";
    if (templ.size() >= sizeof g_temp_path) throw Failure(path, "file name too long");
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    {
        SignalBlock block;
        fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
        if (fd_ >= 0) {
            std::memcpy(g_temp_path, buf.data(), buf.size());
            g_have_temp = 1;
        }
    }
    if (fd_ < 0) throw Failure(path, "cannot create a file in " + dir_ + ": " + errno_text(errno));
    temp_ = buf.data();
    if (::fchmod(fd_, mode) != 0) {
        int err = errno;
        discard();
        throw Failure(path, "cannot set the file mode: " + errno_text(err));
    }
}

AtomicOutput::~AtomicOutput() {
    if (!committed_) discard();
}

void AtomicOutput::discard() noexcept {
    if (map_) {
        clear_region(1);
        ::munmap(map_, map_len_);
        map_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (!temp_.empty()) {
        SignalBlock block;
        ::unlink(temp_.c_str());
        g_have_temp = 0;
        temp_.clear();
    }
}

unsigned char *AtomicOutput::map(uint64_t size) {
    if (size > static_cast<uint64_t>(std::numeric_limits<off_t>::max()) ||
        size > std::numeric_limits<std::size_t>::max())
        throw Failure(path_, "the output (" + std::to_string(size) + " bytes) is too large");
    // Reserve the blocks now: writing through a mapping to a disk that fills up
    // would otherwise end in SIGBUS half-way through.
    if (::fallocate(fd_, 0, 0, static_cast<off_t>(size)) != 0) {
        int err = errno;
        if (err == ENOSPC || err == EDQUOT || err == EFBIG)
            throw Failure(path_, "cannot reserve " + std::to_string(size) + " bytes in " + dir_ +
                                     ": " + errno_text(err));
        if (err != EOPNOTSUPP && err != ENOSYS && err != EINVAL)
            throw Failure(path_, "cannot write: " + errno_text(err));
    }
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
        throw Failure(path_, "cannot size the output: " + errno_text(errno));
    map_len_ = static_cast<std::size_t>(size);
    void *p = ::mmap(nullptr, map_len_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) throw Failure(path_, "cannot map the output: " + errno_text(errno));
    map_ = p;
    set_region(1, map_, map_len_,
               "numgrad: " + path_ + ": write error in the mapped output (disk full?); " +
                   "nothing was written");
    return static_cast<unsigned char *>(map_);
}

void AtomicOutput::commit() {
    if (::msync(map_, map_len_, MS_SYNC) != 0)
        throw Failure(path_, "cannot write: " + errno_text(errno));
    clear_region(1);
    ::munmap(map_, map_len_);
    map_ = nullptr;
    if (::fsync(fd_) != 0) throw Failure(path_, "cannot write: " + errno_text(errno));
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw Failure(path_, "cannot write: " + errno_text(errno));
    {
        SignalBlock block;
        if (::rename(temp_.c_str(), target_.c_str()) != 0)
            throw Failure(path_, "cannot replace: " + errno_text(errno));
        g_have_temp = 0;
        temp_.clear();
        committed_ = true;
    }
    // Make the rename itself durable.
    int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace cli
