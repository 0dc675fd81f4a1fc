#ifndef RUNWATCH_CLIBPQ_SHIM_H
#define RUNWATCH_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
