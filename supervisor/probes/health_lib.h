/*
 * health_lib.h: libcurl's functions the checks use, through a table filled
 * by dlopen("libcurl.so.4") when the daemon makes its first checker (probes
 * only). curl/curl.h gives the types and constants; nothing links libcurl.
 */
#ifndef CSUP_HEALTH_LIB_H
#define CSUP_HEALTH_LIB_H

#include <curl/curl.h>

#define HEALTH_LIB_SONAME	"libcurl.so.4"

struct health_lib {
	void		*handle;
	CURLcode	(*global_init)(long);
	void		(*global_cleanup)(void);
	CURL	       *(*easy_init)(void);
	CURLcode	(*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	(*easy_getinfo)(CURL *, CURLINFO, ...);
	const char     *(*easy_strerror)(CURLcode);
	void		(*easy_cleanup)(CURL *);
	CURLM	       *(*multi_init)(void);
	CURLMcode	(*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode	(*multi_add_handle)(CURLM *, CURL *);
	CURLMcode	(*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode	(*multi_assign)(CURLM *, curl_socket_t, void *);
	CURLMcode	(*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
	CURLMsg	       *(*multi_info_read)(CURLM *, int *);
	CURLMcode	(*multi_cleanup)(CURLM *);
};

#endif
