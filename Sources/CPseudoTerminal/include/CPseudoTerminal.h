#ifndef RUNWATCH_CPSEUDOTERMINAL_H
#define RUNWATCH_CPSEUDOTERMINAL_H

/// Opens a pseudo-terminal pair for `run exec`: `*primary` for the reader, `*secondary` for the command's
/// output, both close-on-exec and neither the caller's controlling terminal, output processing (CR before LF)
/// and echo off. Returns 0, or -1 with errno set (nothing is left open then).
int runwatch_open_pseudo_terminal(int *primary, int *secondary);

#endif
