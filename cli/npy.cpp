// npy.cpp: reading and writing .npy headers. The header is a Python literal (a dict
// with the keys 'descr', 'fortran_order' and 'shape'); it is parsed here by a small
// strict recursive-descent parser rather than evaluated.
#include "npy.hpp"

#include <cstring>
#include <limits>
#include <utility>

namespace npy {

namespace {

const unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
constexpr int kMaxDepth = 32;

// A printable rendering of a piece of header text for messages.
std::string printable(const std::string &s, std::size_t max = 40) {
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

struct Value {
    enum Kind { Str, Bool, Int, None, Tuple, List, Dict } kind = None;
    std::string str;
    bool boolean = false;
    int64_t integer = 0;
    bool overflow = false;  // an integer outside int64
    std::vector<Value> items;
    std::vector<std::pair<std::string, Value>> entries;

    const char *kind_name() const {
        switch (kind) {
        case Str: return "a string";
        case Bool: return "a bool";
        case Int: return "an integer";
        case None: return "None";
        case Tuple: return "a tuple";
        case List: return "a list";
        case Dict: return "a dict";
        }
        return "?";
    }
};

class Parser {
  public:
    Parser(const char *text, std::size_t n) : s_(text), n_(n) {}

    Value parse_document() {
        skip_space();
        Value v = parse_value(0);
        skip_space();
        if (pos_ != n_) fail("unexpected text after the dict");
        return v;
    }

  private:
    const char *s_;
    std::size_t n_;
    std::size_t pos_ = 0;

    [[noreturn]] void fail(const std::string &what) const {
        throw Error("malformed header: " + what + " at byte " + std::to_string(pos_) +
                    " of the header dict");
    }

    void skip_space() {
        while (pos_ < n_ && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' ||
                             s_[pos_] == '\r'))
            ++pos_;
    }

    bool eat(char c) {
        skip_space();
        if (pos_ < n_ && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    bool keyword(const char *word) {
        std::size_t len = std::strlen(word);
        if (n_ - pos_ < len || std::memcmp(s_ + pos_, word, len) != 0) return false;
        std::size_t end = pos_ + len;
        if (end < n_) {
            char c = s_[end];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_')
                return false;
        }
        pos_ = end;
        return true;
    }

    Value parse_value(int depth) {
        if (depth > kMaxDepth) fail("nesting too deep");
        skip_space();
        if (pos_ >= n_) fail("unexpected end");
        char c = s_[pos_];
        Value v;
        if (c == '\'' || c == '"') {
            v.kind = Value::Str;
            v.str = parse_string();
        } else if (c == '{') {
            ++pos_;
            v.kind = Value::Dict;
            parse_dict(v, depth);
        } else if (c == '(') {
            ++pos_;
            v.kind = Value::Tuple;
            bool comma = parse_sequence(v, ')', depth);
            // "(3)" is the integer 3 in Python, not a tuple.
            if (v.items.size() == 1 && !comma) {
                Value inner = std::move(v.items[0]);
                return inner;
            }
        } else if (c == '[') {
            ++pos_;
            v.kind = Value::List;
            parse_sequence(v, ']', depth);
        } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
            parse_int(v);
        } else if (keyword("True")) {
            v.kind = Value::Bool;
            v.boolean = true;
        } else if (keyword("False")) {
            v.kind = Value::Bool;
            v.boolean = false;
        } else if (keyword("None")) {
            v.kind = Value::None;
        } else {
            fail(std::string("unexpected character '") + printable(std::string(1, c)) + "'");
        }
        return v;
    }

    std::string parse_string() {
        char quote = s_[pos_++];
        std::string out;
        while (true) {
            if (pos_ >= n_ || s_[pos_] == '\n') fail("unterminated string");
            char c = s_[pos_++];
            if (c == quote) break;
            if (c == '\\') {
                if (pos_ >= n_) fail("unterminated string");
                char e = s_[pos_++];
                switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case '\\': case '\'': case '"': out += e; break;
                default: out += '\\'; out += e; break;
                }
            } else {
                out += c;
            }
        }
        return out;
    }

    void parse_int(Value &v) {
        v.kind = Value::Int;
        bool negative = false;
        if (s_[pos_] == '-' || s_[pos_] == '+') {
            negative = s_[pos_] == '-';
            ++pos_;
            skip_space();
        }
        if (pos_ >= n_ || s_[pos_] < '0' || s_[pos_] > '9') fail("expected a digit");
        // Magnitudes up to 2^63 so that -2^63 parses; anything else overflows.
        const uint64_t limit = uint64_t(1) << 63;
        uint64_t mag = 0;
        while (pos_ < n_ && s_[pos_] >= '0' && s_[pos_] <= '9') {
            unsigned d = static_cast<unsigned>(s_[pos_++] - '0');
            if (mag > (limit - d) / 10) v.overflow = true;
            if (!v.overflow) mag = mag * 10 + d;
        }
        // Python 2 long suffix, found in headers written by old numpy versions.
        if (pos_ < n_ && (s_[pos_] == 'L' || s_[pos_] == 'l')) ++pos_;
        if (pos_ < n_ && (s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                          s_[pos_] == 'j' || s_[pos_] == 'x' || s_[pos_] == '_'))
            fail("expected an integer");
        if (!v.overflow && !negative && mag == limit) v.overflow = true;
        if (!v.overflow)
            v.integer = negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
    }

    // Parses items up to `close`; returns whether a comma was seen.
    bool parse_sequence(Value &v, char close, int depth) {
        bool comma = false;
        if (eat(close)) return false;
        while (true) {
            v.items.push_back(parse_value(depth + 1));
            if (eat(close)) return comma;
            if (!eat(',')) fail(std::string("expected ',' or '") + close + "'");
            comma = true;
            if (eat(close)) return comma;
        }
    }

    void parse_dict(Value &v, int depth) {
        if (eat('}')) return;
        while (true) {
            skip_space();
            Value key = parse_value(depth + 1);
            if (key.kind != Value::Str) fail("a dict key that is not a string");
            if (!eat(':')) fail("expected ':'");
            Value val = parse_value(depth + 1);
            for (const auto &e : v.entries)
                if (e.first == key.str) fail("duplicate key '" + printable(key.str) + "'");
            v.entries.emplace_back(key.str, std::move(val));
            if (eat('}')) return;
            if (!eat(',')) fail("expected ',' or '}'");
            if (eat('}')) return;
        }
    }
};

uint32_t read_le(const unsigned char *p, int n) {
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

// Splits a descriptor into order, kind and size; size stays 0 when it is not of the
// simple form (datetimes, strings with units ...), which no caller supports.
Descr parse_descr(const std::string &text) {
    Descr d;
    d.text = text;
    std::size_t i = 0;
    if (!text.empty() && (text[0] == '<' || text[0] == '>' || text[0] == '=' || text[0] == '|')) {
        d.order = text[0];
        i = 1;
    } else {
        d.order = 0;
    }
    if (i >= text.size()) return d;
    d.kind = text[i++];
    std::string digits = text.substr(i);
    bool ok = !digits.empty() && digits.size() <= 3;
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    d.size = ok ? std::stoi(digits) : 0;
    return d;
}

}  // namespace

char native_order() {
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return '>';
#else
    return '<';
#endif
}

bool Descr::swapped() const {
    if (size == 1 || order == 0 || order == '=' || order == '|') return false;
    return order != native_order();
}

std::string shape_string(const std::vector<int64_t> &shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";
    return s + ")";
}

int64_t header_size(const unsigned char *p, std::size_t avail, uint64_t file_size) {
    if (file_size == 0) throw Error("empty file, not a .npy file");
    std::size_t m = avail < sizeof kMagic ? avail : sizeof kMagic;
    if (std::memcmp(p, kMagic, m) != 0) throw Error("not a .npy file (no \\x93NUMPY magic)");
    if (avail < 8) throw Error("truncated: the file ends inside the .npy preamble");
    int major = p[6], minor = p[7];
    if (major < 1 || major > 3 || minor != 0)
        throw Error("unsupported .npy format version " + std::to_string(major) + "." +
                    std::to_string(minor) + " (1.0, 2.0 and 3.0 are supported)");
    std::size_t lensize = major == 1 ? 2 : 4;
    if (avail < 8 + lensize) throw Error("truncated: the file ends inside the .npy preamble");
    uint64_t hlen = read_le(p + 8, static_cast<int>(lensize));
    if (hlen > kMaxHeaderSize)
        throw Error("header too long (" + std::to_string(hlen) + " bytes)");
    uint64_t total = 8 + lensize + hlen;
    if (total > file_size)
        throw Error("truncated: the header is " + std::to_string(total) + " bytes, the file has " +
                    std::to_string(file_size));
    return static_cast<int64_t>(total);
}

Header parse_header(const unsigned char *bytes, std::size_t size) {
    Header h;
    h.major = bytes[6];
    h.minor = bytes[7];
    std::size_t start = h.major == 1 ? 10 : 12;
    h.data_offset = static_cast<int64_t>(size);
    const char *text = reinterpret_cast<const char *>(bytes + start);
    std::size_t n = size - start;
    if (std::memchr(text, '\0', n)) throw Error("malformed header: it contains a NUL byte");
    Value v = Parser(text, n).parse_document();
    if (v.kind != Value::Dict) throw Error(std::string("malformed header: ") + v.kind_name() +
                                           " where a dict belongs");

    const Value *descr = nullptr, *fortran = nullptr, *shape = nullptr;
    for (const auto &e : v.entries) {
        if (e.first == "descr") descr = &e.second;
        else if (e.first == "fortran_order") fortran = &e.second;
        else if (e.first == "shape") shape = &e.second;
        else throw Error("malformed header: unexpected key '" + printable(e.first) + "'");
    }
    if (!descr) throw Error("malformed header: no 'descr' key");
    if (!fortran) throw Error("malformed header: no 'fortran_order' key");
    if (!shape) throw Error("malformed header: no 'shape' key");

    if (descr->kind == Value::List)
        throw Error("unsupported dtype: structured arrays (a list 'descr') are not supported");
    if (descr->kind != Value::Str)
        throw Error(std::string("malformed header: 'descr' is ") + descr->kind_name());
    h.descr = parse_descr(printable(descr->str, 20));

    if (fortran->kind != Value::Bool)
        throw Error(std::string("malformed header: 'fortran_order' is ") + fortran->kind_name() +
                    ", not True or False");
    h.fortran_order = fortran->boolean;

    if (shape->kind != Value::Tuple)
        throw Error(std::string("malformed header: 'shape' is ") + shape->kind_name() +
                    ", not a tuple");
    h.count = 1;
    bool too_large = false;
    for (const Value &item : shape->items) {
        if (item.kind != Value::Int)
            throw Error(std::string("malformed header: a 'shape' entry is ") + item.kind_name());
        if (item.overflow) throw Error("malformed header: a 'shape' entry is too large");
        if (item.integer < 0)
            throw Error("malformed header: negative extent " + std::to_string(item.integer) +
                        " in 'shape'");
        h.shape.push_back(item.integer);
        if (item.integer == 0) {
            h.count = 0;
        } else if (!too_large && h.count != 0) {
            if (h.count > std::numeric_limits<int64_t>::max() / item.integer) too_large = true;
            else h.count *= item.integer;
        }
    }
    if (too_large && h.count != 0)
        throw Error("shape " + shape_string(h.shape) + " is too large");
    return h;
}

std::string format_header(const std::string &descr, const std::vector<int64_t> &shape,
                          bool fortran_order) {
    // The same text as numpy.lib.format: sorted keys, repr() values, the spare space
    // numpy leaves for growing the first axis, then spaces and '\n' to 64 bytes.
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': " +
                       (fortran_order ? "True" : "False") + ", 'shape': " +
                       shape_string(shape) + ", }";
    if (!shape.empty()) {
        std::string grow = std::to_string(fortran_order ? shape.back() : shape.front());
        if (grow.size() < 21) dict.append(21 - grow.size(), ' ');
    }
    std::size_t hlen = dict.size() + 1;
    int major = 1;
    std::size_t lensize = 2;
    if (hlen + 64 > 65535) {
        major = 2;
        lensize = 4;
    }
    std::size_t padlen = 64 - ((6 + 2 + lensize + hlen) % 64);
    std::size_t total_len = hlen + padlen;
    std::string out(reinterpret_cast<const char *>(kMagic), sizeof kMagic);
    out += static_cast<char>(major);
    out += '\0';
    for (std::size_t i = 0; i < lensize; ++i)
        out += static_cast<char>((total_len >> (8 * i)) & 0xff);
    out += dict;
    out.append(padlen, ' ');
    out += '\n';
    return out;
}

}  // namespace npy
