<#
.SYNOPSIS
Exports what bindscope audits from this Exchange server into one zip, for
an audit where no agent may be installed. Changes nothing on the server.

.DESCRIPTION
Writes an evidence root laid out as bindscope reads it and zips it:

  Windows\System32\inetsrv\config\applicationHost.config   a copy
  registry\<name>.reg          reg export of each key below (UTF-16LE)
  certstore\LocalMachine\<Store>\<THUMBPRINT>.cer          each certificate,
  certstore\LocalMachine\<Store>\<THUMBPRINT>.json         public part only (DER),
                               and its FriendlyName and HasPrivateKey
  netsh\sslcert.txt            netsh http show sslcert
  <Exchange install path>\Logging\HttpProxy\<Protocol>\*.LOG   the last -Hours
  <IIS log folder>\W3SVC<site id>\*.log                        the last -Hours

Paths on another drive than C: are written without their drive letter, as
bindscope maps every drive to the root. It prints what it wrote, what is
absent on this server, and what it could not read, and goes on past
failures. Read the zip on the audit machine with

  bindscope-agent collect --root bindscope-evidence-HOST-TIME.zip --since all --json
  bindscope-collector import --db audit.db bindscope-evidence-HOST-TIME.zip

Runs in stock Windows PowerShell 5.1, 64-bit, as Administrator; no modules.

.PARAMETER Hours
How many hours of HttpProxy and IIS logs to take (files written in that
time). 0 takes no logs. Default 24.

.PARAMETER OutputDirectory
Where the zip is written, on a drive with room for the copied logs (a
busy server writes gigabytes of HttpProxy logs a day). Default: the
current folder.

.PARAMETER KeepFolder
Keep the unzipped evidence folder beside the zip.

.EXAMPLE
.\Export-BindscopeEvidence.ps1 -Hours 4 -OutputDirectory D:\Audit
#>
#Requires -Version 5.1
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
    [ValidateRange(0, 8760)] [int] $Hours = 24,
    [string] $OutputDirectory = (Get-Location).Path,
    [switch] $KeepFolder
)

$ErrorActionPreference = 'Stop'

# The evidence root's layout: the agent reads exactly these paths
# (tests/e2e/exporter_test.sh checks each against the agent's sources).
$IisConfigRel = 'Windows\System32\inetsrv\config\applicationHost.config'
$RegistryRel = 'registry'
$CertStoreRel = 'certstore\LocalMachine'
$NetshRel = 'netsh\sslcert.txt'
$HttpProxyRel = 'Logging\HttpProxy'
$IisLogDefault = '%SystemDrive%\inetpub\logs\LogFiles'

# registry\<name>.reg = reg export <key> (with its subkeys).
$RegistryKeys = [ordered]@{
    'http-sslbindinginfo'    = 'HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo'
    'http-sslsnibindinginfo' = 'HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslSniBindingInfo'
    'http-sslccsbindinginfo' = 'HKLM\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\SslCcsBindingInfo'
    'exchange-setup'         = 'HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup'
    'tcpip'                  = 'HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters'
    'netlogon'               = 'HKLM\SYSTEM\CurrentControlSet\Services\Netlogon\Parameters'
    'msexchange-owa'         = 'HKLM\SYSTEM\CurrentControlSet\Services\MSExchange OWA'
    'schannel'               = 'HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
    'cipher-suite-policy'    = 'HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
    'dotnet-v4'              = 'HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
    'dotnet-v4-wow64'        = 'HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319'
    'dotnet-v2'              = 'HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727'
    'dotnet-v2-wow64'        = 'HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727'
    'lsa'                    = 'HKLM\SYSTEM\CurrentControlSet\Control\Lsa'
    'exchange-mailboxrole'   = 'HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\MailboxRole'
    'exchange-clientaccessrole' = 'HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\ClientAccessRole'
    'exchange-edgerole'      = 'HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\EdgeTransportRole'
    'windows-version'        = 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
}

# Certificate stores taken besides those an http.sys binding names. CA
# holds the intermediates: without them no certificate chains to Root.
$CertStores = @('My', 'Root', 'WebHosting', 'CA')

if (-not [Environment]::Is64BitProcess) {
    throw 'Run this in 64-bit Windows PowerShell: a 32-bit one sees another registry view and System32.'
}

$stamp = [DateTime]::UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'")
$name = "bindscope-evidence-$($env:COMPUTERNAME)-$stamp"
$root = Join-Path ([IO.Path]::GetFullPath($OutputDirectory)) $name
$zip = "$root.zip"
$cutoff = [DateTime]::UtcNow.AddHours(-$Hours)
$utf8 = New-Object System.Text.UTF8Encoding($false)
$wrote = New-Object System.Collections.Generic.List[string]
$absent = New-Object System.Collections.Generic.List[string]
$failed = New-Object System.Collections.Generic.List[string]

function Add-Wrote([string] $what) { $wrote.Add($what); Write-Host "wrote  $what" }
function Add-Absent([string] $what) { $absent.Add($what); Write-Host "absent $what" }
function Add-Failure([string] $what) { $failed.Add($what); Write-Warning "could not read: $what" }

# A path under the evidence root, its parent folders made.
function Get-RootPath([string] $rel) {
    $path = Join-Path $root $rel
    [void][IO.Directory]::CreateDirectory((Split-Path -Parent $path))
    return $path
}

# A Windows path as the agent reads it under the root: without the drive.
function ConvertTo-RootRel([string] $path) {
    if ($path -notmatch '^[A-Za-z]:\\') { throw "not on a local drive: $path" }
    return $path.Substring(3)
}

# Native commands: their stderr must not stop the script (5.1 turns it
# into an error under 'Stop').
function Invoke-Native([string] $exe, [string[]] $arguments) {
    $ErrorActionPreference = 'Continue'
    $out = & $exe @arguments 2>&1 | ForEach-Object { "$_" }
    return [pscustomobject]@{ Code = $LASTEXITCODE; Output = @($out) }
}

# Copies a file IIS or Exchange may hold open and keep writing.
function Copy-Shared([string] $src, [string] $rel) {
    $dst = Get-RootPath $rel
    $in = [IO.File]::Open($src, [IO.FileMode]::Open, [IO.FileAccess]::Read,
        [IO.FileShare]'ReadWrite, Delete')
    try {
        $out = [IO.File]::Create($dst)
        try { $in.CopyTo($out) } finally { $out.Dispose() }
    } finally { $in.Dispose() }
    [IO.File]::SetLastWriteTimeUtc($dst, [IO.File]::GetLastWriteTimeUtc($src))
    Add-Wrote $rel
}

# The *.log files of folder written since the cutoff.
function Copy-RecentLogs([string] $folder) {
    if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
        Add-Absent "$folder (no such folder)"
        return
    }
    try { $files = @(Get-ChildItem -LiteralPath $folder -Filter '*.log' -File) }
    catch { Add-Failure "${folder}: $($_.Exception.Message)"; return }
    foreach ($f in $files) {
        if ($f.LastWriteTimeUtc -lt $cutoff) { continue }
        try { Copy-Shared $f.FullName (ConvertTo-RootRel $f.FullName) }
        catch { Add-Failure "$($f.FullName): $($_.Exception.Message)" }
    }
}

Write-Host "bindscope evidence of $($env:COMPUTERNAME) into $root"
[void][IO.Directory]::CreateDirectory($root)

# IIS configuration.
$iisConfig = Join-Path $env:windir 'System32\inetsrv\config\applicationHost.config'
try { Copy-Shared $iisConfig $IisConfigRel }
catch { Add-Failure "${iisConfig}: $($_.Exception.Message)" }

# Registry.
foreach ($file in $RegistryKeys.Keys) {
    $key = $RegistryKeys[$file]
    if (-not (Test-Path -LiteralPath ('Registry::' + ($key -replace '^HKLM\\', 'HKEY_LOCAL_MACHINE\')))) {
        # A deletion line, as in any .reg file: tells the agent the key
        # does not exist (the OS default applies), not that it was not read.
        $full = $key -replace '^HKLM\\', 'HKEY_LOCAL_MACHINE\'
        $rel = Join-Path $RegistryRel "$file.reg"
        [IO.File]::WriteAllText((Get-RootPath $rel),
            "Windows Registry Editor Version 5.00`r`n`r`n[-$full]`r`n`r`n",
            (New-Object System.Text.UnicodeEncoding($false, $true)))
        Add-Absent $key
        continue
    }
    $rel = Join-Path $RegistryRel "$file.reg"
    $r = Invoke-Native 'reg.exe' @('export', $key, (Get-RootPath $rel), '/y')
    if ($r.Code -eq 0) { Add-Wrote $rel } else { Add-Failure "$key ($($r.Output -join ' '))" }
}

# http.sys bindings as netsh shows them (the agent's fallback).
$r = Invoke-Native 'netsh.exe' @('http', 'show', 'sslcert')
if ($r.Code -eq 0) {
    $r.Output | Out-File -LiteralPath (Get-RootPath $NetshRel) -Encoding Unicode
    Add-Wrote $NetshRel
} else {
    Add-Failure "netsh http show sslcert (exit $($r.Code): $($r.Output -join ' '))"
}

# Certificates: the stores above and every store an http.sys binding names.
$stores = New-Object System.Collections.Generic.List[string]
foreach ($s in $CertStores) { $stores.Add($s) }
foreach ($sub in 'SslBindingInfo', 'SslSniBindingInfo') {
    $k = "HKLM:\SYSTEM\CurrentControlSet\Services\HTTP\Parameters\$sub"
    if (-not (Test-Path -LiteralPath $k)) { continue }
    try {
        foreach ($b in Get-ChildItem -LiteralPath $k) {
            $s = $b.GetValue('SslCertStoreName')
            if ($s -and -not ($stores -contains $s)) { $stores.Add($s) }
        }
    } catch { Add-Failure "store names of ${k}: $($_.Exception.Message)" }
}
foreach ($store in $stores) {
    $certPath = "Cert:\LocalMachine\$store"
    if (-not (Test-Path -LiteralPath $certPath)) {
        Add-Absent "certificate store LocalMachine\$store"
        continue
    }
    try { $certs = @(Get-ChildItem -LiteralPath $certPath) }
    catch { Add-Failure "certificate store LocalMachine\${store}: $($_.Exception.Message)"; continue }
    $n = 0
    foreach ($c in $certs) {
        try {
            $base = Get-RootPath (Join-Path $CertStoreRel (Join-Path $store $c.Thumbprint))
            [IO.File]::WriteAllBytes("$base.cer", $c.RawData)
            $props = [ordered]@{ FriendlyName = $c.FriendlyName; HasPrivateKey = $c.HasPrivateKey }
            [IO.File]::WriteAllText("$base.json", ($props | ConvertTo-Json), $utf8)
            $n++
        } catch { Add-Failure "LocalMachine\$store\$($c.Thumbprint): $($_.Exception.Message)" }
    }
    Add-Wrote "$(Join-Path $CertStoreRel $store): $n certificate(s), .cer and .json"
}

# Logs written in the last -Hours.
if ($Hours -gt 0) {
    try {
        $setup = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\Setup'
        $hp = Join-Path $setup.MsiInstallPath $HttpProxyRel
        if (Test-Path -LiteralPath $hp -PathType Container) {
            foreach ($p in Get-ChildItem -LiteralPath $hp -Directory) { Copy-RecentLogs $p.FullName }
        } else { Add-Absent "$hp (no such folder)" }
    } catch { Add-Failure "HttpProxy logs: $($_.Exception.Message)" }
    try {
        $xml = New-Object System.Xml.XmlDocument
        $xml.Load((Join-Path $root $IisConfigRel))
        $sites = $xml.SelectSingleNode('/configuration/system.applicationHost/sites')
        $default = $IisLogDefault
        $d = $sites.SelectSingleNode('siteDefaults/logFile/@directory')
        if ($d) { $default = $d.Value }
        foreach ($site in $sites.SelectNodes('site')) {
            $dir = $default
            $own = $site.SelectSingleNode('logFile/@directory')
            if ($own) { $dir = $own.Value }
            $folder = Join-Path ([Environment]::ExpandEnvironmentVariables($dir)) "W3SVC$($site.GetAttribute('id'))"
            Copy-RecentLogs $folder
        }
    } catch { Add-Failure "IIS logs: $($_.Exception.Message)" }
}

# The zip. ZipFile rather than Compress-Archive: no 2 GB limit.
try {
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory($root, $zip,
        [IO.Compression.CompressionLevel]::Optimal, $false)
} catch {
    Write-Error "could not write ${zip}: $($_.Exception.Message) (the evidence folder is kept: $root)"
    exit 1
}
if (-not $KeepFolder) { Remove-Item -LiteralPath $root -Recurse -Force }

Write-Host ''
Write-Host "$($wrote.Count) written, $($absent.Count) absent, $($failed.Count) could not be read"
foreach ($f in $failed) { Write-Host "  could not read: $f" }
Write-Host "evidence: $zip"
