#ifndef RUNWATCH_CSODIUM_SHIM_H
#define RUNWATCH_CSODIUM_SHIM_H
#include <sodium.h>
#endif
