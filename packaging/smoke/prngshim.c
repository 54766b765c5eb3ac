/*
 * bcryptprimitives.dll stand-in for the Wine smoke test ONLY — never shipped.
 *
 * Go >= 1.24 gets its random bytes from ProcessPrng in bcryptprimitives.dll,
 * which every Windows 10/11 has but Wine 8 does not, so Go programs die at
 * start-up under Wine 8. This DLL exports ProcessPrng and fills the buffer
 * from advapi32's SystemFunction036 (RtlGenRandom), which Wine implements.
 * The smoke test copies it into the throwaway Wine prefix's system32.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -Os -s -o bcryptprimitives.dll prngshim.c prngshim.def
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (!SystemFunction036(data, chunk)) return FALSE;
		data += chunk;
		len -= chunk;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) { return TRUE; }
