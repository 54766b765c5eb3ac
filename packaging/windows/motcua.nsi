; Một Cửa — Windows installer (NSIS 3.08+, Unicode, 64-bit).
;
; Built by packaging/windows/package.sh, which defines VERSION, WINVER,
; COMMIT, STAGE (the folder holding the files to install), FILES_NSH, OUTFILE,
; ICON, INSTALLED_KB and, when a certificate is configured, SIGN (the command that
; signs "%1" in place).
;
; Per-machine install into Program Files; the data live in
; %ProgramData%\MotCua and survive upgrades and uninstalls (unless /PURGE or
; the officer says yes to the question). Upgrades are staged: the new files
; are unpacked beside the old ones first and only then swapped in, so an
; install that is interrupted — power cut, full disk — leaves the previous
; version working.
;
; Command line (all optional):
;   /S                  silent
;   /PROFILE=FILE       apply a signed provisioning profile after installing
;   /PROVINCEKEY=FILE   the province's public key for that profile
;   /NODESKTOP          no desktop shortcut
;   /OFFICERS=A,B       Windows accounts of the counter's officers: put in the
;                       local group MotCuaOfficers, the only accounts (with
;                       Administrators and SYSTEM) that may read and write the
;                       data folder, database and keys included
;   /DOWNGRADE          allow installing over a newer version (refused otherwise:
;                       the newer version's database would not open)
;   /D=DIR              install folder (must be last; default Program Files\MotCua)
; Uninstaller: /S silent (keeps the data), /PURGE also deletes the data.
;
; Exit codes: 0 installed; 1 cancelled; 2 not installed (see the message or
; %ProgramData%\MotCua\logs\install.log); 3 installed but the profile was
; refused (the previous configuration is unchanged).

Unicode true
Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS all
RequestExecutionLevel admin
SetCompressor /SOLID /FINAL lzma
SetCompressorDictSize 64

!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh
!include x64.nsh
!include WinVer.nsh
!include WordFunc.nsh

!define APPNAME "Một Cửa"
!define REGKEY "Software\MotCua"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MotCua"
!define APPPATHS "Software\Microsoft\Windows\CurrentVersion\App Paths\motcua.exe"
; The local group of the counter's officers (ASCII: net.exe and icacls take
; it on a command line whatever the code page).
!define OFFICERS "MotCuaOfficers"
!ifndef PUBLISHER
  !define PUBLISHER "Dự án Một Cửa"
!endif

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\MotCua"
InstallDirRegKey HKLM "${REGKEY}" "InstallDir"
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!ifdef SIGN
  !uninstfinalize '${SIGN} "%1"' = 0
!endif

VIProductVersion "${WINVER}"
VIFileVersion "${WINVER}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt ${APPNAME} ${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION} (${COMMIT})"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
; The finish page's "Run" starts the program through Explorer, i.e. as the
; signed-in user without the installer's administrator rights (a program
; started by the elevated installer would run elevated).
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_FUNCTION RunUnelevated
!define MUI_FINISHPAGE_RUN_NOTCHECKED

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Vietnamese first: it is the default when Windows' language is neither.
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

LangString MsgNot64 ${LANG_VIETNAMESE} "Một Cửa cần Windows 10 hoặc 11 bản 64-bit."
LangString MsgNot64 ${LANG_ENGLISH} "Một Cửa needs 64-bit Windows 10 or 11."
LangString MsgNoProfile ${LANG_VIETNAMESE} "Không tìm thấy tệp cấu hình máy (hồ sơ cấu hình) «$ProfileFile». Chưa cài gì."
LangString MsgNoProfile ${LANG_ENGLISH} "The provisioning profile «$ProfileFile» does not exist. Nothing was installed."
LangString MsgNoKey ${LANG_VIETNAMESE} "Không tìm thấy tệp khóa công khai của tỉnh «$ProvinceKey». Chưa cài gì."
LangString MsgNoKey ${LANG_ENGLISH} "The province public key «$ProvinceKey» does not exist. Nothing was installed."
LangString MsgNoSpace ${LANG_VIETNAMESE} "Ổ đĩa $0 chỉ còn $1 MB trống, cần ít nhất $2 MB. Hãy giải phóng dung lượng rồi chạy lại bộ cài; bản đang dùng (nếu có) vẫn giữ nguyên."
LangString MsgNoSpace ${LANG_ENGLISH} "Drive $0 has only $1 MB free and needs at least $2 MB. Free some space and run the installer again; the installed version (if any) is unchanged."
LangString MsgUnpack ${LANG_VIETNAMESE} "Không chép được tệp vào $INSTDIR (đĩa đầy hoặc bị chặn). Bản đang dùng (nếu có) vẫn giữ nguyên."
LangString MsgUnpack ${LANG_ENGLISH} "Could not write the files to $INSTDIR (disk full or access denied). The installed version (if any) is unchanged."
LangString MsgSwap ${LANG_VIETNAMESE} "Không thay được tệp $0 (đang bị khóa?). Đã khôi phục bản cũ; hãy khởi động lại máy rồi cài lại."
LangString MsgSwap ${LANG_ENGLISH} "Could not replace $0 (locked?). The old version was restored; restart the PC and install again."
LangString MsgProfileFailed ${LANG_VIETNAMESE} "Đã cài phần mềm nhưng KHÔNG áp dụng được hồ sơ cấu hình máy (mã $0). Lý do ghi trong $LogFile. Cấu hình cũ giữ nguyên."
LangString MsgProfileFailed ${LANG_ENGLISH} "The program is installed but the provisioning profile was NOT applied (code $0). The reason is in $LogFile. The previous configuration is unchanged."
LangString MsgBackup ${LANG_VIETNAMESE} "Không sao lưu được cơ sở dữ liệu trước khi nâng cấp (đĩa đầy?). Chưa thay đổi gì."
LangString MsgBackup ${LANG_ENGLISH} "Could not back up the database before upgrading (disk full?). Nothing was changed."
LangString MsgPurge ${LANG_VIETNAMESE} "Xóa luôn DỮ LIỆU hồ sơ trong $0?$\r$\n$\r$\nChọn «Không» (nên chọn) để giữ dữ liệu cho lần cài sau. Chỉ chọn «Có» khi đã sao lưu."
LangString MsgPurge ${LANG_ENGLISH} "Also delete the dossier DATA in $0?$\r$\n$\r$\nChoose No (recommended) to keep it for a later install. Choose Yes only after a backup."
LangString MsgDowngrade ${LANG_VIETNAMESE} "Máy đang có Một Cửa $0, mới hơn bản $1 này. Dữ liệu do bản mới ghi có thể không mở được bằng bản cũ. Vẫn cài bản cũ hơn?"
LangString MsgDowngrade ${LANG_ENGLISH} "Một Cửa $0 is installed, newer than this $1. Data written by the newer version may not open in the older one. Install the older version anyway?"
LangString MsgRunning ${LANG_VIETNAMESE} "Một Cửa vẫn đang chạy trên máy này (có thể ở phiên đăng nhập của người khác). Hãy lưu việc đang làm, đóng mọi cửa sổ Một Cửa rồi chọn «Thử lại»; «Hủy» để không cài lúc này (bản đang dùng giữ nguyên)."
LangString MsgRunning ${LANG_ENGLISH} "Một Cửa is still running on this PC (perhaps in another user's session). Save your work, close every Một Cửa window, then choose Retry; Cancel to leave the installed version as it is."
LangString LnkDesc ${LANG_VIETNAMESE} "Bộ phận tiếp nhận và trả kết quả"
LangString LnkDesc ${LANG_ENGLISH} "One-stop counter"

Var ProfileFile
Var ProvinceKey
Var NoDesktop
Var DataDir
Var LogFile
Var Purge
Var Downgrade
Var OldVersion
Var Officers

; Log appends one ASCII line to the install log (kept ASCII so that the
; UTF-8 output of motcua.exe appended to the same file stays readable).
!macro Log text
  Push "${text}"
  !ifdef __UNINSTALL__
    Call un.Log
  !else
    Call Log
  !endif
!macroend
!define Log "!insertmacro Log"

!macro LogFunction un
  Function ${un}Log
    Exch $R9
    Push $R8
    ClearErrors
    FileOpen $R8 "$LogFile" a
    ${IfNot} ${Errors}
      FileSeek $R8 0 END
      FileWrite $R8 "$R9$\r$\n"
      FileClose $R8
    ${EndIf}
    DetailPrint "$R9"
    Pop $R8
    Pop $R9
  FunctionEnd
!macroend
!insertmacro LogFunction ""
!insertmacro LogFunction "un."

; Fail logs why (ASCII), tells the officer (not in silent mode) and stops
; with exit code 2.
!macro Fail logtext msg
  ${Log} "FAILED: ${logtext}"
  MessageBox MB_OK|MB_ICONSTOP "${msg}" /SD IDOK
  SetErrorLevel 2
  Quit
!macroend

; files.nsh (written by package.sh) lists the staged files:
; SwapAll, DeleteOld and DeleteInstalled.
!include "${FILES_NSH}"

Function .onInit
  SetShellVarContext all
  SetRegView 64
  ; With the all-users context, $APPDATA is %ProgramData%.
  StrCpy $DataDir "$APPDATA\MotCua"
  StrCpy $LogFile "$DataDir\logs\install.log"
  CreateDirectory "$DataDir\logs"
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "$(MsgNot64)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PROFILE=" $ProfileFile
  ${If} ${Errors}
    StrCpy $ProfileFile ""
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/PROVINCEKEY=" $ProvinceKey
  ${If} ${Errors}
    StrCpy $ProvinceKey ""
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/OFFICERS=" $Officers
  ${If} ${Errors}
    StrCpy $Officers ""
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NODESKTOP" $R1
  ${IfNot} ${Errors}
    StrCpy $NoDesktop 1
  ${EndIf}
  ${If} $ProfileFile != ""
    ; A relative path is tried from the current folder, then from the
    ; installer's (a USB stick layout). GetFullPathName gives "" for a
    ; path that does not exist, so the name as given is kept for messages.
    StrCpy $R2 $ProfileFile
    ${If} ${FileExists} "$R2"
      GetFullPathName $ProfileFile "$R2"
    ${ElseIf} ${FileExists} "$EXEDIR\$R2"
      GetFullPathName $ProfileFile "$EXEDIR\$R2"
    ${Else}
      ${Log} "FAILED: profile not found: $R2"
      MessageBox MB_OK|MB_ICONSTOP "$(MsgNoProfile)" /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
  ${EndIf}
  ${If} $ProvinceKey != ""
    ${IfNot} ${FileExists} "$ProvinceKey"
      ${Log} "FAILED: province key not found: $ProvinceKey"
      MessageBox MB_OK|MB_ICONSTOP "$(MsgNoKey)" /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
    GetFullPathName $ProvinceKey "$ProvinceKey"
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/DOWNGRADE" $R1
  ${IfNot} ${Errors}
    StrCpy $Downgrade 1
  ${EndIf}

  ; A newer version's database would not open in this one (storage refuses
  ; a schema it does not know): never go back silently.
  ReadRegStr $OldVersion HKLM "${REGKEY}" "WinVersion"
  ${If} $OldVersion != ""
  ${AndIf} $Downgrade != 1
    ${VersionCompare} "${WINVER}" "$OldVersion" $R1
    ${If} $R1 == 2
      ReadRegStr $0 HKLM "${REGKEY}" "Version"
      StrCpy $1 "${VERSION}"
      MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(MsgDowngrade)" /SD IDNO IDYES downgrade_ok
      ${Log} "FAILED: $0 is installed, newer than ${VERSION}; nothing changed (use /DOWNGRADE to force)"
      SetErrorLevel 2
      Quit
      downgrade_ok:
    ${EndIf}
  ${EndIf}
FunctionEnd

; BackupBeforeUpgrade copies the database (and its WAL) before a different
; version is swapped in, into backups\before-upgrade: the new version may
; migrate the schema, and this copy lets the old one be put back.
; Close the program first for a consistent copy (docs/INSTALL.vi.md).
Function BackupBeforeUpgrade
  ${If} $OldVersion == ""
  ${OrIf} $OldVersion == "${WINVER}"
  ${OrIfNot} ${FileExists} "$DataDir\motcua.db"
    Return
  ${EndIf}
  StrCpy $R0 "$DataDir\backups\before-upgrade"
  RMDir /r "$R0"
  CreateDirectory "$R0"
  ClearErrors
  CopyFiles /SILENT "$DataDir\motcua.db" "$R0"
  ${If} ${FileExists} "$DataDir\motcua.db-wal"
    CopyFiles /SILENT "$DataDir\motcua.db-wal" "$R0"
  ${EndIf}
  ${If} ${Errors}
    !insertmacro Fail "cannot copy the database to $R0 before upgrading" "$(MsgBackup)"
  ${EndIf}
  FileOpen $R1 "$R0\version.txt" w
  FileWrite $R1 "copied before upgrading from $OldVersion to ${WINVER}$\r$\n"
  FileClose $R1
  ${Log} "database copied to $R0 (upgrade from $OldVersion)"
FunctionEnd

; CloseRunning: an old window must not keep running old code on a database
; the new version may migrate. It is asked to close as if the officer had
; clicked its close box (taskkill without /F posts WM_CLOSE; every saved
; dossier is committed — SQLite, synchronous=FULL — and the program exits),
; then waited for, up to 30 s. Still running (another user's session, a
; console `motcua sync --watch`): the officer is asked to close it and
; retry; a silent install stops with exit 2 and nothing changed, for the
; deployment tool to retry later.
!macro IsRunning result
  nsExec::Exec '"$SYSDIR\cmd.exe" /S /C ""$SYSDIR\tasklist.exe" /NH /FI "IMAGENAME eq motcua.exe" | "$SYSDIR\find.exe" /I "motcua.exe""'
  Pop ${result} ; 0: running
!macroend

Function CloseRunning
  retry:
  !insertmacro IsRunning $0
  ${If} $0 != 0
    Return
  ${EndIf}
  ${Log} "motcua.exe is running: asking it to close"
  nsExec::ExecToLog '"$SYSDIR\taskkill.exe" /IM motcua.exe'
  Pop $0
  StrCpy $1 0
  ${Do}
    Sleep 1000
    IntOp $1 $1 + 1
    !insertmacro IsRunning $0
    ${If} $0 != 0
      ${Log} "the running program closed after $1 s"
      Return
    ${EndIf}
  ${LoopUntil} $1 >= 30
  ${Log} "motcua.exe still running after 30 s"
  MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(MsgRunning)" /SD IDCANCEL IDRETRY retry
  ${Log} "FAILED: motcua.exe is still running; nothing changed"
  SetErrorLevel 2
  Quit
FunctionEnd

Function CheckSpace
  ; Room for the staged copy beside the old one, plus a margin.
  ${GetRoot} "$INSTDIR" $0
  ${DriveSpace} "$0\" "/D=F /S=M" $1
  IntOp $2 ${INSTALLED_KB} / 1024
  IntOp $2 $2 * 2
  IntOp $2 $2 + 50
  ${If} $1 < $2
    !insertmacro Fail "drive $0 has $1 MB free, needs $2 MB" "$(MsgNoSpace)"
  ${EndIf}
FunctionEnd

; Swap moves $INSTDIR\.new\FILE over $INSTDIR\FILE, keeping the old one as
; FILE.old until everything is in place. A running motcua.exe can be
; renamed (not overwritten), so an open window does not block an upgrade.
!macro Swap file
  StrCpy $0 "${file}"
  Delete "$INSTDIR\${file}.old"
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\${file}"
    Rename "$INSTDIR\${file}" "$INSTDIR\${file}.old"
  ${EndIf}
  ${IfNot} ${Errors}
    Rename "$INSTDIR\.new\${file}" "$INSTDIR\${file}"
  ${EndIf}
  ${If} ${Errors}
    ${If} ${FileExists} "$INSTDIR\${file}.old"
    ${AndIfNot} ${FileExists} "$INSTDIR\${file}"
      Rename "$INSTDIR\${file}.old" "$INSTDIR\${file}"
    ${EndIf}
    !insertmacro Fail "cannot replace $0" "$(MsgSwap)"
  ${EndIf}
!macroend

Section "${APPNAME}" SecMain
  SectionIn RO
  ${GetTime} "" "LS" $R0 $R1 $R2 $R3 $R4 $R5 $R6
  ${Log} "$R2-$R1-$R0 $R4:$R5:$R6 install ${VERSION} (${COMMIT}) into $INSTDIR"
  Call CheckSpace
  Call CloseRunning
  Call BackupBeforeUpgrade

  ; 1. Unpack everything beside the installed version.
  RMDir /r "$INSTDIR\.new"
  ClearErrors
  SetOutPath "$INSTDIR\.new"
  File /r "${STAGE}/*"
  ${If} ${Errors}
    RMDir /r "$INSTDIR\.new"
    !insertmacro Fail "cannot unpack into $INSTDIR\.new" "$(MsgUnpack)"
  ${EndIf}

  ; 2. Swap it in, the program last so that the old one runs until the end.
  ; (Leave .new first: a process's current folder cannot be removed.)
  SetOutPath "$INSTDIR"
  !insertmacro SwapAll
  RMDir /r "$INSTDIR\.new"
  !insertmacro DeleteOld
  WriteUninstaller "$INSTDIR\uninstall.exe"
  ${Log} "files in place"

  ; 3. The data folder (database, scans, keys sealed with machine-scope
  ; DPAPI): only the officers' group, Administrators and SYSTEM.
  CreateDirectory "$DataDir"
  Call RestrictDataDir

  ; 4. Shortcuts, uninstall entry, App Paths (so Win+R "motcua" works).
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\motcuaw.exe" "" "$INSTDIR\motcuaw.exe" 0 SW_SHOWNORMAL "" "$(LnkDesc)"
  ${If} $NoDesktop != 1
    CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\motcuaw.exe" "" "$INSTDIR\motcuaw.exe" 0 SW_SHOWNORMAL "" "$(LnkDesc)"
  ${EndIf}
  WriteRegStr HKLM "${REGKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${REGKEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${REGKEY}" "WinVersion" "${WINVER}"
  WriteRegStr HKLM "${REGKEY}" "DataDir" "$DataDir"
  WriteRegStr HKLM "${APPPATHS}" "" "$INSTDIR\motcua.exe"
  WriteRegStr HKLM "${APPPATHS}" "Path" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\motcuaw.exe,0"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" "$0"

  ; 5. The provisioning profile, if one was given. motcua.exe checks the
  ; signature, the expiry and the machine, and changes nothing on refusal.
  ${If} $ProfileFile != ""
    StrCpy $R0 ""
    ${If} $ProvinceKey != ""
      StrCpy $R0 ' --province-key "$ProvinceKey"'
    ${EndIf}
    ${Log} "provision apply $ProfileFile"
    nsExec::ExecToLog '"$SYSDIR\cmd.exe" /S /C ""$INSTDIR\motcua.exe" provision apply "$ProfileFile"$R0 >>"$LogFile" 2>&1"'
    Pop $0
    ${If} $0 != 0
      ${Log} "FAILED: provision apply exit $0"
      MessageBox MB_OK|MB_ICONEXCLAMATION "$(MsgProfileFailed)" /SD IDOK
      SetErrorLevel 3
    ${Else}
      ${Log} "profile applied"
    ${EndIf}
  ${EndIf}
  ${Log} "done"
SectionEnd

; RestrictDataDir creates the local group of the counter's officers, puts
; the /OFFICERS= accounts in it and gives the data folder to that group,
; Administrators and SYSTEM only: another Windows account of the PC can
; neither read the database nor the key files (which machine-scope DPAPI
; would unseal for any local account). Without /OFFICERS=, the first time
; the group is made it receives the user accounts that are members of the
; local Users group then — the accounts that could use Một Cửa before — so
; an upgrade locks nobody out; accounts made later must be added
; (net localgroup MotCuaOfficers NAME /add). If the group cannot be made,
; the folder keeps the old grant to Users and the log says so.
Function RestrictDataDir
  nsExec::ExecToLog '"$SYSDIR\net.exe" localgroup ${OFFICERS}'
  Pop $0
  ${If} $0 != 0
    nsExec::ExecToLog '"$SYSDIR\net.exe" localgroup ${OFFICERS} /add "/comment:Can bo Mot Cua: doc va ghi du lieu Mot Cua"'
    Pop $0
    ${Log} "net localgroup ${OFFICERS} /add: exit $0"
    ${If} $0 == 0
    ${AndIf} $Officers == ""
      ; Local and domain user accounts of Users (not the well-known
      ; INTERACTIVE / Authenticated Users groups, which mean everybody).
      nsExec::ExecToLog `"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Get-LocalGroupMember -SID S-1-5-32-545 | Where-Object { $$_.ObjectClass -eq 'User' } | ForEach-Object { Add-LocalGroupMember -Group '${OFFICERS}' -Member $$_.SID; 'officer: ' + $$_.Name }"`
      Pop $1
      ${Log} "members of Users at install time added to ${OFFICERS} (exit $1)"
    ${EndIf}
  ${EndIf}
  ${If} $Officers != ""
    ; cmd's for splits the list on commas and spaces; %~u drops quotes.
    nsExec::ExecToLog '"$SYSDIR\cmd.exe" /S /C "for %u in ($Officers) do "$SYSDIR\net.exe" localgroup ${OFFICERS} "%~u" /add"'
    Pop $1
    ${Log} "officers $Officers added to ${OFFICERS} (exit $1; an account already in the group is not an error)"
  ${EndIf}
  nsExec::ExecToLog '"$SYSDIR\net.exe" localgroup ${OFFICERS}'
  Pop $0
  ${If} $0 != 0
    nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$DataDir" /grant *S-1-5-32-545:(OI)(CI)M /T /C /Q'
    Pop $0
    ${Log} "WARNING: no group ${OFFICERS}; data folder $DataDir left to every local user (grant Users modify: exit $0)"
    Return
  ${EndIf}
  ; The folder's own ACL: no inherited entries (ProgramData lets Users read
  ; and create), full control for SYSTEM and Administrators, modify for the
  ; officers. Then everything inside goes back to inheriting it, which also
  ; drops the Users grant older versions wrote on every file.
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$DataDir" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F ${OFFICERS}:(OI)(CI)M /C /Q'
  Pop $0
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$DataDir\*" /reset /T /C /Q'
  Pop $1
  ${Log} "data folder $DataDir: SYSTEM, Administrators, ${OFFICERS} only (icacls exit $0, reset inside exit $1)"
FunctionEnd

; RunUnelevated starts the program as the user signed in to Windows:
; Explorer runs unelevated, so what it opens does too.
Function RunUnelevated
  Exec '"$WINDIR\explorer.exe" "$INSTDIR\motcuaw.exe"'
FunctionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
  StrCpy $DataDir "$APPDATA\MotCua"
  StrCpy $LogFile "$DataDir\logs\install.log"
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    StrCpy $Purge 1
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  !insertmacro DeleteInstalled
  Delete "$INSTDIR\uninstall.exe"
  RMDir /r "$INSTDIR\.new"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "${APPPATHS}"
  DeleteRegKey HKLM "${REGKEY}"
  ${If} $Purge != 1
    StrCpy $0 "$DataDir"
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(MsgPurge)" /SD IDNO IDNO keep
    StrCpy $Purge 1
    keep:
  ${EndIf}
  ${If} $Purge == 1
    RMDir /r "$DataDir"
    DetailPrint "removed $DataDir"
  ${Else}
    ${Log} "uninstalled ${VERSION}; data kept in $DataDir"
  ${EndIf}
SectionEnd
