// BSD editline (libedit) through its readline-compatible interface: line editing and
// history for `tau-node chat`. libedit rather than GNU readline, whose licence would bind
// the binary.
#include <stdio.h>
#include <editline/readline.h>
