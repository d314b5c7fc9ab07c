/*
 * A stand-in bcryptprimitives.dll for running Go programs under Wine 8.
 *
 * Go 1.22 and later take their random bytes from ProcessPrng in
 * bcryptprimitives.dll, which the runtime loads from the system directory at
 * start-up; if it is missing, every Go program dies before main. Wine 8 (the
 * version Debian 12 packages) has no such DLL, so CI builds this one with the
 * mingw-w64 cross compiler and copies it into the Wine prefix's system32. It
 * is never used on Windows itself.
 *
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has, does the work,
 * in pieces whose length a ULONG holds.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n)
{
	while (n > 0) {
		ULONG chunk = n > 0x10000000 ? 0x10000000 : (ULONG)n;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		n -= chunk;
	}
	return TRUE;
}
