#ifndef TAU_CSODIUM_SHIM_H
#define TAU_CSODIUM_SHIM_H
#include <sodium.h>
#endif
