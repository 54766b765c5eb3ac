/*
 * motcuaw.exe — starts motcua.exe without a console window.
 *
 * motcua.exe is a console program so that installers and support staff get
 * its output, exit code and Ctrl+C in cmd.exe and PowerShell like any other
 * command. The Start-menu and desktop shortcuts point here instead: this
 * GUI-subsystem stub runs motcua.exe from its own folder with the same
 * arguments and CREATE_NO_WINDOW, so the officer sees only the counter window
 * (the same split as python.exe / pythonw.exe).
 *
 * Build: x86_64-w64-mingw32-gcc -municode -mwindows -Os -s launcher.c
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>

/* args returns the command line after the program name. */
static const wchar_t *args(const wchar_t *cl) {
	if (*cl == L'"') {
		cl++;
		while (*cl && *cl != L'"') cl++;
		if (*cl) cl++;
	} else {
		while (*cl && *cl != L' ' && *cl != L'\t') cl++;
	}
	while (*cl == L' ' || *cl == L'\t') cl++;
	return cl;
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR unused, int show) {
	wchar_t exe[MAX_PATH + 16];
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	if (n == 0 || n >= MAX_PATH) return 1;
	wchar_t *slash = wcsrchr(exe, L'\\');
	if (!slash) return 1;
	wcscpy(slash + 1, L"motcua.exe");

	const wchar_t *rest = args(GetCommandLineW());
	size_t len = wcslen(exe) + wcslen(rest) + 4;
	wchar_t *cmd = HeapAlloc(GetProcessHeap(), 0, len * sizeof(wchar_t));
	if (!cmd) return 1;
	cmd[0] = L'"';
	wcscpy(cmd + 1, exe);
	wcscat(cmd, L"\"");
	if (*rest) {
		wcscat(cmd, L" ");
		wcscat(cmd, rest);
	}

	STARTUPINFOW si = {sizeof si};
	PROCESS_INFORMATION pi;
	if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) {
		wchar_t msg[MAX_PATH + 256];
		_snwprintf(msg, sizeof msg / sizeof msg[0] - 1,
			L"Không chạy được %ls (mã lỗi %lu).\n"
			L"Hãy cài lại Một Cửa hoặc báo cán bộ kỹ thuật của huyện.\n\n"
			L"Cannot start %ls (error %lu); reinstall Một Cửa.",
			exe, GetLastError(), exe, GetLastError());
		msg[sizeof msg / sizeof msg[0] - 1] = 0;
		MessageBoxW(NULL, msg, L"Một Cửa", MB_OK | MB_ICONERROR);
		return 1;
	}
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	return 0;
}
