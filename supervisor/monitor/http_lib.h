/*
 * http_lib.h: libmicrohttpd's functions the HTTP API uses, through a table
 * filled by dlopen("libmicrohttpd.so.12") in http_start() when CSUP_HTTP is
 * not off (monitor only). microhttpd.h gives the types and constants;
 * nothing links libmicrohttpd.
 */
#ifndef CSUP_HTTP_LIB_H
#define CSUP_HTTP_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

#define HTTP_LIB_SONAME	"libmicrohttpd.so.12"

struct http_lib {
	void			*handle;
	struct MHD_Daemon	*(*start_daemon)(unsigned int, uint16_t,
				    MHD_AcceptPolicyCallback, void *,
				    MHD_AccessHandlerCallback, void *, ...);
	void			 (*stop_daemon)(struct MHD_Daemon *);
	enum MHD_Result		 (*get_timeout)(struct MHD_Daemon *,
				    MHD_UNSIGNED_LONG_LONG *);
	enum MHD_Result		 (*run)(struct MHD_Daemon *);
	const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *,
				    enum MHD_DaemonInfoType, ...);
	const char		*(*lookup_connection_value)(struct MHD_Connection *,
				    enum MHD_ValueKind, const char *);
	enum MHD_Result		 (*queue_response)(struct MHD_Connection *, unsigned int,
				    struct MHD_Response *);
	struct MHD_Response	*(*create_response_from_buffer)(size_t, void *,
				    enum MHD_ResponseMemoryMode);
	void			 (*destroy_response)(struct MHD_Response *);
	enum MHD_Result		 (*add_response_header)(struct MHD_Response *,
				    const char *, const char *);
};

/* Loads it into lib; -1 with a one-line reason in err. */
int	 http_lib_open(struct http_lib *lib, char *err, size_t len);
void	 http_lib_close(struct http_lib *lib);

#endif
