// The key file password, from where cosign takes it (generate_key_pair.go readPasswordFn):
// $COSIGN_PASSWORD, else the terminal, else all of stdin.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <sodium.h>

#include "sign/cosign_key.h"

namespace wisp::sign {

namespace {

/// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

Result<std::string> read_all(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(Errc::io, "reading the password from stdin: {}", std::strerror(errno));
    if (got == 0) break;
    out.append(buffer, static_cast<size_t>(got));
    if (out.size() > (size_t{1} << 20)) return fail(Errc::too_large, "password on stdin is larger than 1 MiB");
  }
  return out;
}

/// One line from the terminal with echo off; the newline is not part of the password.
Result<std::string> prompt(int tty, std::string_view text) {
  if (::write(tty, text.data(), text.size()) < 0) return fail(Errc::io, "writing to /dev/tty: {}", std::strerror(errno));
  termios saved{};
  bool restore = ::tcgetattr(tty, &saved) == 0;
  if (restore) {
    termios silent = saved;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &silent);
  }
  std::string line;
  bool failed = false;
  while (true) {
    char c = 0;
    ssize_t got = ::read(tty, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) failed = true;
    if (got <= 0 || c == '\n') break;
    line.push_back(c);
  }
  if (restore) ::tcsetattr(tty, TCSAFLUSH, &saved);
  (void)!::write(tty, "\n", 1);
  if (failed) return fail(Errc::io, "reading the password from /dev/tty: {}", std::strerror(errno));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Result<std::string> read_key_password(bool confirm) {
  // Set-but-empty means an empty password, which cosign allows.
  if (const char* env = std::getenv("COSIGN_PASSWORD")) return std::string(env);
  if (!::isatty(STDIN_FILENO)) return read_all(STDIN_FILENO);  // newline kept, as cosign does

  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) return fail(Errc::io, "opening /dev/tty for the password prompt: {}", std::strerror(errno));
  FdCloser closer{tty};
  TRY_ASSIGN(std::string password, prompt(tty, "Enter password for private key: "));
  if (!confirm) return password;
  TRY_ASSIGN(std::string again, prompt(tty, "Enter password for private key again: "));
  bool same = again == password;
  sodium_memzero(again.data(), again.size());
  if (!same) {
    sodium_memzero(password.data(), password.size());
    return fail(Errc::usage, "passwords do not match");
  }
  return password;
}

}  // namespace wisp::sign
