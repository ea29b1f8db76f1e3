/* Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng Rust's standard library calls since 1.78;
   this stand-in (built by scripts/windows-test) answers it from advapi32. Wine 9+ ships the real one. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len) { ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE; data += n; len -= n; }
  return TRUE;
}
