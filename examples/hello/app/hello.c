/* The example image's entrypoint: a static program that reports what the image file set up
 * (user, working directory, arguments, environment) so a test can check it from the outside.
 * No libc name lookups (they need NSS modules a distroless image does not have): the user
 * name is read from /etc/passwd by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

static void print_user(void) {
  unsigned uid = (unsigned)getuid();
  const char* name = "?";
  static char line[512];
  FILE* passwd = fopen("/etc/passwd", "r");
  while (passwd && fgets(line, sizeof line, passwd)) {
    char* fields[4] = {0};
    char* rest = line;
    for (int i = 0; i < 4 && rest; ++i) fields[i] = strsep(&rest, ":");
    if (fields[2] && (unsigned)strtoul(fields[2], NULL, 10) == uid) {
      name = fields[0];
      break;
    }
  }
  printf("user: uid=%u gid=%u name=%s\n", uid, (unsigned)getgid(), name);
  if (passwd) fclose(passwd);
}

int main(int argc, char** argv) {
  print_user();
  char cwd[4096];
  printf("cwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  for (int i = 1; i < argc; ++i) printf("arg[%d]: %s\n", i, argv[i]);
  for (char** e = environ; *e; ++e) printf("env: %s\n", *e);
  const char* greeting_file = getenv("GREETING_FILE");
  FILE* greeting = greeting_file ? fopen(greeting_file, "r") : NULL;
  if (greeting) {
    char text[256];
    if (fgets(text, sizeof text, greeting)) printf("greeting: %s", text);
    fclose(greeting);
  }
  return 0;
}
