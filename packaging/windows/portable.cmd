@echo off
rem Mot Cua, portable: the data stay in the "data" folder beside this file
rem (USB stick, a PC without the installer). Arguments are passed on, so
rem "portable.cmd version" works; without arguments the window opens.
setlocal
set "MOTCUA_DATA=%~dp0data"
if "%~1"=="" (
  start "" "%~dp0motcuaw.exe"
) else (
  "%~dp0motcua.exe" %*
)
