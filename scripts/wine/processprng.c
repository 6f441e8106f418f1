/* Wine 8 lacks bcryptprimitives.dll!ProcessPrng, which Rust's std (1.78+) imports for
 * randomness: every test binary would exit with status 53 before main. This stand-in
 * exports ProcessPrng and forwards to BCryptGenRandom with the system RNG. Used only in
 * the test Wine prefix under target/, never shipped. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
