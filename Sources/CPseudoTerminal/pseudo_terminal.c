// posix_openpt, grantpt, unlockpt and ptsname_r are declared only with _XOPEN_SOURCE / _GNU_SOURCE, which
// Swift's Glibc module does not define: this small C target calls them.
#define _GNU_SOURCE
#include "CPseudoTerminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

int runwatch_open_pseudo_terminal(int *primary, int *secondary) {
  int main_fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (main_fd < 0) return -1;
  char name[128];
  if (grantpt(main_fd) != 0 || unlockpt(main_fd) != 0 || ptsname_r(main_fd, name, sizeof name) != 0) {
    int saved = errno;
    close(main_fd);
    errno = saved;
    return -1;
  }
  int side_fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (side_fd < 0) {
    int saved = errno;
    close(main_fd);
    errno = saved;
    return -1;
  }
  struct termios settings;
  if (tcgetattr(side_fd, &settings) == 0) {
    settings.c_oflag &= ~(tcflag_t)OPOST;
    settings.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(side_fd, TCSANOW, &settings);
  }
  *primary = main_fd;
  *secondary = side_fd;
  return 0;
}
