#include "base/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

extern char** environ;

namespace wisp {
namespace {

/// An unlinked temporary file: the child writes into it, we read it back after it exits (no
/// pipes, so a chatty child can never block on a full pipe we are not reading).
class Capture {
 public:
  Capture() {
    char name[] = "/tmp/wisp-capture-XXXXXX";
    m_fd = ::mkostemp(name, O_CLOEXEC);
    if (m_fd >= 0) ::unlink(name);
  }
  ~Capture() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  int fd() const { return m_fd; }

  std::string read_all(size_t limit) const {
    std::string out;
    if (::lseek(m_fd, 0, SEEK_SET) < 0) return out;
    char buffer[65536];
    while (out.size() < limit) {
      ssize_t n = ::read(m_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    if (out.size() > limit) out.resize(limit);
    return out;
  }

 private:
  int m_fd = -1;
};

}  // namespace

Result<ProcessOutput> run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) return fail(Errc::usage, "run_process: no program");
  Capture out, err;
  if (out.fd() < 0 || err.fd() < 0) return fail(Errc::io, "temporary file: {}", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd(), 2);
  std::vector<std::string> args = argv;
  std::vector<char*> c_args;
  for (std::string& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, c_args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return fail(Errc::not_found, "{} is not installed (not found on PATH)", argv[0]);
  if (rc != 0) return fail(Errc::io, "cannot run {}: {}", argv[0], std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProcessOutput result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  result.out = out.read_all(size_t{64} << 20);
  result.err = err.read_all(size_t{1} << 20);
  return result;
}

}  // namespace wisp
