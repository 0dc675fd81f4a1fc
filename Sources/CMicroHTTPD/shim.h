#ifndef RUNWATCH_CMICROHTTPD_SHIM_H
#define RUNWATCH_CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/// Signature of MHD_OPTION_URI_LOG_CALLBACK: sees the raw request target before MHD unescapes it, and its
/// return value becomes the request's initial `req_cls`.
typedef void *(*rw_mhd_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

/// MHD_start_daemon is variadic, which Swift cannot call; this wrapper fixes the option list.
/// Binds only to `address` (MHD_OPTION_SOCK_ADDR), runs an internal epoll thread pool of `pool_size`
/// threads, and enables the inter-thread channel that MHD_quiesce_daemon needs in thread-pool mode.
/// `connection_limit` caps all connections, `per_address_limit` those from one client address
/// (MHD accepts and immediately closes the ones over it).
static inline struct MHD_Daemon *rw_mhd_start(const struct sockaddr_in *address,
                                              unsigned int pool_size,
                                              unsigned int connection_timeout_seconds,
                                              unsigned int connection_limit,
                                              unsigned int per_address_limit,
                                              size_t connection_memory_limit,
                                              MHD_AccessHandlerCallback access_handler,
                                              MHD_RequestCompletedCallback completed,
                                              rw_mhd_uri_log_callback uri_log,
                                              MHD_NotifyConnectionCallback notify_connection,
                                              void *cls) {
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  return MHD_start_daemon(flags, ntohs(address->sin_port), NULL, NULL, access_handler, cls,
                          MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)address,
                          MHD_OPTION_THREAD_POOL_SIZE, pool_size,
                          MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                          MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address_limit,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                          MHD_OPTION_NOTIFY_COMPLETED, completed, cls,
                          MHD_OPTION_URI_LOG_CALLBACK, uri_log, cls,
                          MHD_OPTION_NOTIFY_CONNECTION, notify_connection, cls,
                          MHD_OPTION_END);
}

/// Keeps libmicrohttpd 0.9.75 from splitting the query string of `uri` into its own argument list.
/// Call it from the URI log callback, after copying the target: MHD cuts the line at the `?` and parses
/// what follows into one pool record per parameter right after that callback returns, and when they do
/// not fit (around 850 parameters in 64 KiB) it queues a 431 but then ignores the failure, overwrites the
/// connection state and leaves the client waiting with no answer until the timeout. We parse the query
/// ourselves from the raw target and never read MHD's copy, so ending the string after the `?` costs
/// nothing. `uri` points into the connection's own read buffer, which MHD itself splits with NULs in place,
/// and the callback runs on the connection's thread, so the write is safe.
static inline void rw_mhd_skip_query_parsing(const char *uri) {
  if (uri == NULL) return;
  char *question = strchr(uri, '?');
  if (question != NULL) question[1] = '\0';
}

/// MHD_get_connection_info is variadic; the connection's socket, or -1.
static inline int rw_mhd_connection_fd(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info == NULL ? -1 : info->connect_fd;
}

/// MHD_get_connection_info is variadic; the `socket_context` set by the connection-notify callback.
static inline void *rw_mhd_socket_context(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == NULL ? NULL : info->socket_context;
}

/// MHD_get_daemon_info is variadic; returns the port the daemon actually bound (useful after port 0).
static inline uint16_t rw_mhd_bound_port(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info == NULL ? 0 : info->port;
}

/// MHD_get_connection_info is variadic; writes the client's numeric address into `buffer`.
/// Returns 1 on success, 0 when the address is unknown or not IPv4/IPv6.
static inline int rw_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t length) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == NULL || info->client_addr == NULL || length == 0) return 0;
  const struct sockaddr *address = info->client_addr;
  if (address->sa_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
    return inet_ntop(AF_INET, &v4->sin_addr, buffer, (socklen_t)length) != NULL;
  }
  if (address->sa_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
    return inet_ntop(AF_INET6, &v6->sin6_addr, buffer, (socklen_t)length) != NULL;
  }
  return 0;
}
#endif
