/* service (Windows): bindscope-agent under the Service Control Manager.
 * `install` registers it (LocalSystem, automatic start, restarted on
 * failure), its Event Log source and the private %ProgramData%\bindscope
 * folders; `run` is what the SCM starts: the runner of `run`, with the
 * Event Log and the agent's log file as its log, stopped through
 * bs_stop_request by the SCM's stop or shutdown control; the other
 * subcommands ask the SCM. Every SCM and Event Log registry call of the
 * agent lives here. */
#include "service.h"

#include <windows.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "agent_config.h"
#include "err.h"
#include "fsutil.h"
#include "log.h"
#include "paths.h"
#include "runner.h"
#include "stop.h"

#define SVC_NAME L"bindscope-agent"
#define SVC_SOURCE "bindscope-agent" /* Event Log source: the same name */
#define SVC_DISPLAY L"bindscope agent"
#define SVC_DESCRIPTION                                                                            \
	L"Audits this Exchange server's IIS and http.sys certificate bindings and "                \
	L"sends signed reports to the bindscope collector."
#define SVC_EVENTLOG_KEY                                                                           \
	L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\bindscope-agent"
#define SVC_START_WAIT_MS 30000u
/* The service ends a step in progress for at most this long once asked to
 * stop (svc_stop_watchdog); `service stop` waits longer. */
#define SVC_STOP_GRACE_MS 10000u
#define SVC_STOP_WAIT_MS 60000u
#define SVC_POLL_MS 250u
#define SVC_CMDLINE_MAX (2 * MAX_PATH + BS_PATH_MAX + 64)

struct svc_opts {
	char config[BS_PATH_MAX]; /* --config, or the platform default */
};

static int
svc_wide(const char *s, wchar_t *out, int outn)
{
	return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, out, outn) > 0 ? 0
	                                                                                : BS_EINVAL;
}

/* GetLastError as text, for the messages people read. */
static const char *
svc_why(DWORD e, char *buf, size_t n)
{
	wchar_t w[256];
	DWORD len = FormatMessageW(
	    FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0, w, 256, NULL);

	while (len > 0 && (w[len - 1] == L'\r' || w[len - 1] == L'\n' || w[len - 1] == L'.'))
		w[--len] = L'\0';
	if (len == 0 || WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL) <= 0)
		snprintf(buf, n, "error %lu", (unsigned long)e);
	return buf;
}

static void
svc_fail(const char *what)
{
	char why[256];
	DWORD e = GetLastError();

	fprintf(stderr, "bindscope-agent service: %s: %s (%lu)\n", what,
	    svc_why(e, why, sizeof(why)), (unsigned long)e);
}

static SC_HANDLE
svc_open(DWORD scm_access, DWORD access, SC_HANDLE *scm)
{
	SC_HANDLE s;

	if ((*scm = OpenSCManagerW(NULL, NULL, scm_access)) == NULL) {
		svc_fail("cannot open the Service Control Manager (run as Administrator)");
		return NULL;
	}
	if ((s = OpenServiceW(*scm, SVC_NAME, access)) == NULL) {
		if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST)
			fprintf(stderr,
			    "bindscope-agent service: not installed "
			    "(bindscope-agent service install)\n");
		else
			svc_fail("cannot open the service");
	}
	return s;
}

static void
svc_close(SC_HANDLE s, SC_HANDLE scm)
{
	if (s != NULL)
		CloseServiceHandle(s);
	if (scm != NULL)
		CloseServiceHandle(scm);
}

/* %ProgramData%\bindscope and its state\spool folder, SYSTEM and
 * Administrators only: the agent's key, config and reports live there. */
static int
svc_prepare_dirs(void)
{
	char data[BS_PATH_MAX], state[BS_PATH_MAX], spool[BS_PATH_MAX];

	if (bs_agent_path(BS_AGENT_DATA_DIR, data, sizeof(data)) != 0 ||
	    bs_agent_path(BS_AGENT_STATE_DIR, state, sizeof(state)) != 0 ||
	    snprintf(spool, sizeof(spool), "%s\\spool", state) >= (int)sizeof(spool)) {
		fprintf(stderr, "bindscope-agent service: Windows names no ProgramData folder\n");
		return 1;
	}
	if (bs_fs_mkdir_private(data) != 0 || bs_fs_mkdir_private(state) != 0 ||
	    bs_fs_mkdir_private(spool) != 0) {
		fprintf(stderr,
		    "bindscope-agent service: cannot create %s (SYSTEM and Administrators "
		    "only)\n",
		    data);
		return 1;
	}
	return 0;
}

/* What CreateServiceW cannot say: the description and restart on
 * failure, also when the service stops itself with an error (a config
 * that does not load yet is retried every five minutes). Windows has
 * known both since Vista; Wine answers ERROR_INVALID_LEVEL, which is
 * said and borne. */
static int
svc_configure(SC_HANDLE s)
{
	SERVICE_DESCRIPTIONW d = {SVC_DESCRIPTION};
	SC_ACTION actions[3] = {
	    {SC_ACTION_RESTART, 10000}, {SC_ACTION_RESTART, 60000}, {SC_ACTION_RESTART, 300000}};
	SERVICE_FAILURE_ACTIONSW fa = {86400, NULL, NULL, 3, actions};
	SERVICE_FAILURE_ACTIONS_FLAG ff = {TRUE};

	if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_DESCRIPTION, &d)) {
		svc_fail("cannot set the description");
		return 1;
	}
	if (!ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS, &fa) ||
	    !ChangeServiceConfig2W(s, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &ff)) {
		if (GetLastError() != ERROR_INVALID_LEVEL) {
			svc_fail("cannot set restart on failure");
			return 1;
		}
		fprintf(stderr,
		    "bindscope-agent service: warning: this Windows cannot restart "
		    "services on failure (ERROR_INVALID_LEVEL); not set\n");
	}
	return svc_prepare_dirs();
}

/* The Event Log source: the message table in this .exe gives Event
 * Viewer the text (agent/messages.mc). */
static int
svc_source_add(const wchar_t *exe)
{
	DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
	HKEY k;
	LSTATUS e;

	e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SVC_EVENTLOG_KEY, 0, NULL, 0,
	    KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &k, NULL);
	if (e == ERROR_SUCCESS) {
		e = RegSetValueExW(k, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe,
		    (DWORD)((wcslen(exe) + 1) * sizeof(wchar_t)));
		if (e == ERROR_SUCCESS)
			e = RegSetValueExW(k, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types,
			    sizeof(types));
		RegCloseKey(k);
	}
	if (e != ERROR_SUCCESS) {
		SetLastError((DWORD)e);
		svc_fail("cannot register the Event Log source");
		return 1;
	}
	return 0;
}

static int
svc_query(SC_HANDLE s, SERVICE_STATUS_PROCESS *st)
{
	DWORD n;

	return QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)st, sizeof(*st), &n)
	    ? 0
	    : BS_EIO;
}

/* Polls until the service is in want (or stopped, which ends a start
 * too), for at most ms. 0 when it got there. */
static int
svc_wait(SC_HANDLE s, DWORD want, DWORD ms, SERVICE_STATUS_PROCESS *st)
{
	for (DWORD waited = 0;; waited += SVC_POLL_MS) {
		if (svc_query(s, st) != 0)
			return BS_EIO;
		if (st->dwCurrentState == want)
			return 0;
		if (st->dwCurrentState == SERVICE_STOPPED || waited >= ms)
			return BS_ETIMEDOUT;
		Sleep(SVC_POLL_MS);
	}
}

static const char *
svc_state_name(DWORD state)
{
	static const char *const names[] = {"unknown", "stopped", "start pending", "stop pending",
	    "running", "continue pending", "pause pending", "paused"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

static void
svc_print_exit(const SERVICE_STATUS_PROCESS *st)
{
	if (st->dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR)
		fprintf(stderr,
		    "bindscope-agent service: it exited with status %lu; the agent's log "
		    "and Event Viewer (Application, source bindscope-agent) say why\n",
		    (unsigned long)st->dwServiceSpecificExitCode);
	else if (st->dwWin32ExitCode != NO_ERROR)
		fprintf(stderr, "bindscope-agent service: it stopped with Windows error %lu\n",
		    (unsigned long)st->dwWin32ExitCode);
}

static int
svc_stop_and_wait(SC_HANDLE s)
{
	SERVICE_STATUS ss;
	SERVICE_STATUS_PROCESS st;

	if (svc_query(s, &st) != 0) {
		svc_fail("cannot query the service");
		return 1;
	}
	/* A service still starting cannot take the stop control yet. */
	if (st.dwCurrentState == SERVICE_START_PENDING)
		svc_wait(s, SERVICE_RUNNING, SVC_START_WAIT_MS, &st);
	if (st.dwCurrentState == SERVICE_STOPPED)
		return 0;
	if (st.dwCurrentState != SERVICE_STOP_PENDING &&
	    !ControlService(s, SERVICE_CONTROL_STOP, &ss) &&
	    GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
		svc_fail("cannot stop the service");
		return 1;
	}
	if (svc_wait(s, SERVICE_STOPPED, SVC_STOP_WAIT_MS, &st) != 0) {
		fprintf(stderr, "bindscope-agent service: still %s after %u s\n",
		    svc_state_name(st.dwCurrentState), SVC_STOP_WAIT_MS / 1000);
		return 1;
	}
	return 0;
}

static int
svc_install(const struct svc_opts *o)
{
	wchar_t exe[MAX_PATH], conf[BS_PATH_MAX], full[BS_PATH_MAX], cmd[SVC_CMDLINE_MAX];
	SC_HANDLE scm, s = NULL;
	DWORD n;
	int status = 1, created = 1;

	n = GetModuleFileNameW(NULL, exe, MAX_PATH);
	if (n == 0 || n >= MAX_PATH || svc_wide(o->config, conf, BS_PATH_MAX) != 0 ||
	    (n = GetFullPathNameW(conf, BS_PATH_MAX, full, NULL)) == 0 || n >= BS_PATH_MAX) {
		fprintf(
		    stderr, "bindscope-agent service: cannot name this program or %s\n", o->config);
		return 1;
	}
	n = (DWORD)_snwprintf(
	    cmd, SVC_CMDLINE_MAX, L"\"%ls\" service run --config \"%ls\"", exe, full);
	if ((int)n < 0 || n >= SVC_CMDLINE_MAX)
		return 1;
	cmd[SVC_CMDLINE_MAX - 1] = L'\0';
	if ((scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE)) ==
	    NULL) {
		svc_fail("cannot open the Service Control Manager (run as Administrator)");
		return 1;
	}
	s = CreateServiceW(scm, SVC_NAME, SVC_DISPLAY, SERVICE_ALL_ACCESS,
	    SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, cmd, NULL, NULL,
	    NULL, NULL, NULL);
	if (s == NULL && GetLastError() == ERROR_SERVICE_EXISTS) {
		/* Installed before: take this program and config. */
		created = 0;
		s = OpenServiceW(scm, SVC_NAME, SERVICE_ALL_ACCESS);
		if (s != NULL &&
		    !ChangeServiceConfigW(s, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
		        SERVICE_ERROR_NORMAL, cmd, NULL, NULL, NULL, NULL, NULL, SVC_DISPLAY)) {
			svc_fail("cannot update the installed service");
			goto out;
		}
	}
	if (s == NULL) {
		svc_fail("cannot create the service");
		goto out;
	}
	if (svc_configure(s) != 0 || svc_source_add(exe) != 0)
		goto out;
	printf("bindscope-agent service %s: %ls\n", created ? "installed" : "updated", cmd);
	if (!bs_fs_readable(o->config))
		printf("note: %s does not exist yet; write it (deploy/windows/agent.conf) before "
		       "`bindscope-agent service start`\n",
		    o->config);
	status = 0;
out:
	svc_close(s, scm);
	return status;
}

static int
svc_uninstall(const struct svc_opts *o)
{
	SC_HANDLE scm, s;
	LSTATUS e;
	int status = 0;
	char data[BS_PATH_MAX] = "";

	(void)o;
	s = svc_open(SC_MANAGER_CONNECT, DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS, &scm);
	if (scm == NULL)
		return 1;
	if (s != NULL) {
		if (svc_stop_and_wait(s) != 0)
			status = 1;
		if (!DeleteService(s) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE) {
			svc_fail("cannot delete the service");
			status = 1;
		}
	}
	e = RegDeleteKeyExW(HKEY_LOCAL_MACHINE, SVC_EVENTLOG_KEY, KEY_WOW64_64KEY, 0);
	if (e != ERROR_SUCCESS && e != ERROR_FILE_NOT_FOUND) {
		SetLastError((DWORD)e);
		svc_fail("cannot remove the Event Log source");
		status = 1;
	}
	svc_close(s, scm);
	if (status == 0) {
		bs_agent_path(BS_AGENT_DATA_DIR, data, sizeof(data));
		printf("bindscope-agent service removed; %s (config, key, state) is kept\n", data);
	}
	return status;
}

static int
svc_start(const struct svc_opts *o)
{
	SC_HANDLE scm, s;
	SERVICE_STATUS_PROCESS st;
	int status = 1;

	(void)o;
	if ((s = svc_open(SC_MANAGER_CONNECT, SERVICE_START | SERVICE_QUERY_STATUS, &scm)) == NULL)
		goto out;
	if (!StartServiceW(s, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
		svc_fail("cannot start the service");
		goto out;
	}
	if (svc_wait(s, SERVICE_RUNNING, SVC_START_WAIT_MS, &st) != 0) {
		fprintf(stderr, "bindscope-agent service: not running (%s)\n",
		    svc_state_name(st.dwCurrentState));
		svc_print_exit(&st);
		goto out;
	}
	printf("bindscope-agent service running (pid %lu)\n", (unsigned long)st.dwProcessId);
	status = 0;
out:
	svc_close(s, scm);
	return status;
}

static int
svc_stop(const struct svc_opts *o)
{
	SC_HANDLE scm, s;
	int status = 1;

	(void)o;
	if ((s = svc_open(SC_MANAGER_CONNECT, SERVICE_STOP | SERVICE_QUERY_STATUS, &scm)) == NULL)
		goto out;
	if ((status = svc_stop_and_wait(s)) == 0)
		printf("bindscope-agent service stopped\n");
out:
	svc_close(s, scm);
	return status;
}

/* Exit status as the LSB's `status`: 0 running, 3 not running, 4 not
 * installed (or unknown). */
static int
svc_status(const struct svc_opts *o)
{
	SC_HANDLE scm, s;
	SERVICE_STATUS_PROCESS st;
	int status = 4;

	(void)o;
	if ((s = svc_open(SC_MANAGER_CONNECT, SERVICE_QUERY_STATUS, &scm)) == NULL)
		goto out;
	if (svc_query(s, &st) != 0) {
		svc_fail("cannot query the service");
		goto out;
	}
	printf("bindscope-agent service: %s", svc_state_name(st.dwCurrentState));
	if (st.dwProcessId != 0)
		printf(" (pid %lu)", (unsigned long)st.dwProcessId);
	printf("\n");
	if (st.dwCurrentState == SERVICE_STOPPED)
		svc_print_exit(&st);
	status = st.dwCurrentState == SERVICE_RUNNING ? 0 : 3;
out:
	svc_close(s, scm);
	return status;
}

/* For installers that register the service themselves (the MSI's
 * ServiceInstall table): what they cannot express. */
static int
svc_configure_cmd(const struct svc_opts *o)
{
	SC_HANDLE scm, s;
	int status = 1;

	(void)o;
	if ((s = svc_open(SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG | SERVICE_START, &scm)) == NULL)
		goto out;
	if ((status = svc_configure(s)) == 0)
		printf("bindscope-agent service configured\n");
out:
	svc_close(s, scm);
	return status;
}

/* -- service run: what the SCM starts -- */

static struct {
	SERVICE_STATUS_HANDLE h;
	CRITICAL_SECTION lock; /* the handler thread reports too */
	DWORD checkpoint;
	LONG stopping; /* the stop watchdog runs */
	int stopped; /* SERVICE_STOPPED reported: nothing after it */
	char config[BS_PATH_MAX];
} svc;

/* 1 when reported; 0 once SERVICE_STOPPED was (nothing comes after it). */
static int
svc_report(DWORD state, DWORD exit_status, DWORD hint_ms)
{
	SERVICE_STATUS st;
	int reported = 0;

	memset(&st, 0, sizeof(st));
	st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	st.dwCurrentState = state;
	st.dwControlsAccepted =
	    state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	if (exit_status != 0) {
		st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
		st.dwServiceSpecificExitCode = exit_status;
	}
	st.dwWaitHint = hint_ms;
	EnterCriticalSection(&svc.lock);
	if (!svc.stopped) {
		st.dwCheckPoint = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING
		    ? ++svc.checkpoint
		    : 0;
		svc.stopped = state == SERVICE_STOPPED;
		SetServiceStatus(svc.h, &st);
		reported = 1;
	}
	LeaveCriticalSection(&svc.lock);
	return reported;
}

/* A stop must not wait for a send (up to [agent] send_timeout) or a sweep
 * in flight: Windows Installer waits 30 s for a service it stops before it
 * replaces the .exe. Cutting them is safe: a report leaves the spool only
 * once acknowledged and the cursors move only once it is spooled, so the
 * next start sends and sweeps again what was cut. */
static DWORD WINAPI
svc_stop_watchdog(LPVOID arg)
{
	(void)arg;
	Sleep(SVC_STOP_GRACE_MS);
	bs_log(BS_LOG_WARN, "stop_forced",
	    "after_s=%u detail=\"a send or sweep was still running; the next start redoes it\"",
	    SVC_STOP_GRACE_MS / 1000);
	if (svc_report(SERVICE_STOPPED, 0, 0))
		TerminateProcess(GetCurrentProcess(), 0);
	return 0;
}

static DWORD WINAPI
svc_handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		bs_stop_request();
		svc_report(SERVICE_STOP_PENDING, 0, SVC_STOP_GRACE_MS + 5000);
		if (InterlockedExchange(&svc.stopping, 1) == 0) {
			HANDLE t = CreateThread(NULL, 0, svc_stop_watchdog, NULL, 0, NULL);

			if (t != NULL)
				CloseHandle(t);
		}
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE: return NO_ERROR;
	default: return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

/* The log file takes stderr, so the runner's own messages (a state
 * folder it cannot use, a key that does not load) land there too. Where
 * the C library cannot reopen the stderr of a process without a console
 * (Wine's msvcrt), the file gets the log's events only. path "": the
 * default, %ProgramData%\bindscope\agent.log. */
static void
svc_log_to_file(const char *path_or_default)
{
	char path[BS_PATH_MAX], q[BS_PATH_MAX + 8];
	wchar_t w[BS_PATH_MAX];

	if (path_or_default[0] != '\0')
		snprintf(path, sizeof(path), "%s", path_or_default);
	else if (bs_agent_path(BS_AGENT_LOG_FILE, path, sizeof(path)) != 0)
		return;
	if (svc_wide(path, w, BS_PATH_MAX) == 0 && _wfreopen(w, L"a", stderr) != NULL) {
		setvbuf(stderr, NULL, _IONBF, 0);
		bs_log_close_file();
		return;
	}
	if (bs_log_open_file(path) != 0)
		bs_log(BS_LOG_WARN, "log_file_failed", "path=%s", bs_log_quote(path, q, sizeof(q)));
}

static int
svc_main_run(void)
{
	struct bs_agent_config cfg;
	enum bs_log_level lvl;
	char err[1024], q[1100];
	int status;

	/* The Event Log first: it is where a folder or a log file that cannot
	 * be made is told. */
	bs_log_open_eventlog(SVC_SOURCE);
	if (svc_prepare_dirs() != 0)
		bs_log(BS_LOG_WARN, "data_dir_failed",
		    "detail=\"cannot create or protect the agent's ProgramData folder\"");
	svc_log_to_file("");
	if ((status = bs_agent_config_prepare(
	         &cfg, svc.config, NULL, NULL, &lvl, err, sizeof(err))) != 0) {
		bs_log(
		    BS_LOG_ERROR, "config_invalid", "detail=%s", bs_log_quote(err, q, sizeof(q)));
		return status;
	}
	bs_log_set_level(lvl);
	if (cfg.log_file[0] != '\0')
		svc_log_to_file(cfg.log_file);
	svc_report(SERVICE_RUNNING, 0, 0);
	bs_log(BS_LOG_INFO, "service_start", "config=%s", bs_log_quote(svc.config, q, sizeof(q)));
	status = bs_runner_run(&cfg, 0, bs_stop_flag());
	/* Asked to stop, a spool the collector has not emptied yet is kept for
	 * the next start, not a failure to restart on. */
	if (*bs_stop_flag() && status == 1)
		status = 0;
	bs_log(status == 0 ? BS_LOG_INFO : BS_LOG_ERROR, "service_stop", "status=%d", status);
	return status;
}

static void WINAPI
svc_main(DWORD argc, LPWSTR *argv)
{
	int status;

	(void)argc;
	(void)argv;
	svc.h = RegisterServiceCtrlHandlerExW(SVC_NAME, svc_handler, NULL);
	if (svc.h == NULL)
		return;
	svc_report(SERVICE_START_PENDING, 0, SVC_START_WAIT_MS);
	status = svc_main_run();
	bs_log_close_eventlog();
	svc_report(SERVICE_STOPPED, (DWORD)status, 0);
}

static int
svc_run(const struct svc_opts *o)
{
	SERVICE_TABLE_ENTRYW table[] = {{(LPWSTR)SVC_NAME, svc_main}, {NULL, NULL}};

	InitializeCriticalSection(&svc.lock);
	memcpy(svc.config, o->config, sizeof(svc.config));
	if (!StartServiceCtrlDispatcherW(table)) {
		if (GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
			fprintf(stderr,
			    "bindscope-agent service run: only the Service Control Manager "
			    "starts this; from a console: bindscope-agent run --config "
			    "FILE\n");
		else
			svc_fail("cannot reach the Service Control Manager");
		return 2;
	}
	return 0;
}

/* One line per subcommand: its name, what it does, its function. */
static const struct svc_cmd {
	const char *name;
	const char *help;
	int (*fn)(const struct svc_opts *o);
} svc_cmds[] = {
    {"install",
        "register the service: LocalSystem, automatic start, restart on\n"
        "             failure, its Event Log source, %ProgramData%\\bindscope",
        svc_install},
    {"uninstall",
        "stop and remove it and its Event Log source (config, key and\n"
        "             state stay)",
        svc_uninstall},
    {"start", "start it; wait until it runs", svc_start},
    {"stop", "stop it; wait until it has stopped", svc_stop},
    {"status", "its state (exit 0 running, 3 not running, 4 not installed)", svc_status},
    {"configure",
        "restart on failure and the private folders, for an installer\n"
        "             that registered the service itself (the MSI)",
        svc_configure_cmd},
    {"run", "what the Service Control Manager starts", svc_run},
};

static void
svc_usage(FILE *f)
{
	char def[BS_PATH_MAX] = "";

	bs_agent_path(BS_AGENT_CONFIG, def, sizeof(def));
	fputs("usage: bindscope-agent service COMMAND [--config FILE]\n\n", f);
	for (size_t i = 0; i < sizeof(svc_cmds) / sizeof(svc_cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", svc_cmds[i].name, svc_cmds[i].help);
	fprintf(f,
	    "\n  --config FILE  the configuration the service runs with (install, run;\n"
	    "                 default %s)\n"
	    "\nThe service logs to the Event Log (Application, source bindscope-agent) and\n"
	    "to [agent] log_file (default %%ProgramData%%\\bindscope\\agent.log).\n",
	    def);
}

int
bs_service_command(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0}};
	const struct svc_cmd *cmd = NULL;
	struct svc_opts o;
	int c;

	memset(&o, 0, sizeof(o));
	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		svc_usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(svc_cmds) / sizeof(svc_cmds[0]); i++)
		if (strcmp(argv[0], svc_cmds[i].name) == 0)
			cmd = &svc_cmds[i];
	if (cmd == NULL) {
		fprintf(stderr, "bindscope-agent service: unknown command '%s'\n\n", argv[0]);
		svc_usage(stderr);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (snprintf(o.config, sizeof(o.config), "%s", optarg) >=
			    (int)sizeof(o.config))
				return 2;
			break;
		case 'h': svc_usage(stdout); return 0;
		default: svc_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bindscope-agent service %s: unexpected '%s'\n", cmd->name,
		    argv[optind]);
		return 2;
	}
	/* --config "" (an MSI's unset CONFIG property) means the default. */
	if (o.config[0] == '\0' &&
	    bs_agent_path(BS_AGENT_CONFIG, o.config, sizeof(o.config)) != 0) {
		fprintf(stderr,
		    "bindscope-agent service: Windows names no ProgramData folder; "
		    "give --config\n");
		return 2;
	}
	return cmd->fn(&o);
}
