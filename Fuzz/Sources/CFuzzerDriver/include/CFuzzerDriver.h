#ifndef TAU_CFUZZERDRIVER_H
#define TAU_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for executables whose `main` is not libFuzzer's own
/// (SwiftPM's debug builds name the entry point `<Target>_main`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
