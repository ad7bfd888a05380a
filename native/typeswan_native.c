// typeswan's Linux I/O addon: a TUN device, raw IPv4 sockets for ESP (50) and AH (51), batched
// non-blocking reads driven by libuv's poller on the main loop (no thread-pool hop per packet),
// and batched writes. It carries bytes only; every protocol decision is made in TypeScript.
//
// JS API (see src/net/host/native.ts for the typed wrapper):
//   openTun(name) -> { fd, name }              TUN, IFF_TUN | IFF_NO_PI, non-blocking
//   setLinkUp(name, mtu)                       SIOCSIFMTU + IFF_UP
//   openRaw(protocol, bindAddress | null, mark) -> fd raw IPv4, IP_HDRINCL, SO_MARK, non-blocking
//   startReader(fd, maxBatch, slotSize, cb) -> reader
//        cb(buffer, lengths: Uint32Array) once per readiness event with up to maxBatch packets
//   stopReader(reader)
//   writeTun(fd, [Buffer...]) -> packets written
//   sendRaw(fd, [Buffer...]) -> packets sent (sendmmsg; destination from each IPv4 header)
//   closeFd(fd)
//   setNetns(path) -> fd of the previous netns; restoreNetns(fd)
//        moves the calling (main) thread into another network namespace, so that sockets and
//        TUN devices opened meanwhile belong to it (used by tests and the interop harness)
//   espNew, espSeal, espOpen, espFree: batched ESP crypto, see esp_crypto.c

#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "esp_crypto.h"

#define MAX_WRITE_BATCH 256
#define MAX_PACKET 65535

static napi_value throw_errno(napi_env env, const char* what, int err) {
  char message[1024];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "errno %d", err);
  napi_throw_error(env, code, message);
  return NULL;
}

static napi_value make_int(napi_env env, int64_t value) {
  napi_value out;
  napi_create_int64(env, value, &out);
  return out;
}

static int get_args(napi_env env, napi_callback_info info, size_t expected, napi_value* argv) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < expected) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return 0;
  }
  return 1;
}

static int get_string(napi_env env, napi_value value, char* out, size_t size) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, out, size, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string");
    return 0;
  }
  return 1;
}

// Interface names are at most IFNAMSIZ - 1 bytes; longer names are refused, never truncated.
static int get_ifname(napi_env env, napi_value value, char* out) {
  char text[64];
  if (!get_string(env, value, text, sizeof text)) return 0;
  size_t length = strlen(text);
  if (length == 0 || length >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "interface name must be 1 to 15 bytes");
    return 0;
  }
  memcpy(out, text, length + 1);
  return 1;
}

static int get_int32(napi_env env, napi_value value, int32_t* out) {
  if (napi_get_value_int32(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number");
    return 0;
  }
  return 1;
}

// ---- TUN -------------------------------------------------------------------------------------

static napi_value open_tun(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  char name[IFNAMSIZ];
  if (!get_ifname(env, argv[0], name)) return NULL;

  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "open /dev/net/tun", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  memcpy(ifr.ifr_name, name, strlen(name) + 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "ioctl TUNSETIFF", err);
  }
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "fd", make_int(env, fd));
  napi_value actual;
  napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &actual);
  napi_set_named_property(env, result, "name", actual);
  return result;
}

static napi_value set_link_up(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  char name[IFNAMSIZ];
  int32_t mtu;
  if (!get_ifname(env, argv[0], name) || !get_int32(env, argv[1], &mtu)) return NULL;
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return throw_errno(env, "socket", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, strlen(name) + 1);
  ifr.ifr_mtu = mtu;
  if (ioctl(sock, SIOCSIFMTU, &ifr) < 0) {
    int err = errno;
    close(sock);
    return throw_errno(env, "ioctl SIOCSIFMTU", err);
  }
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
    int err = errno;
    close(sock);
    return throw_errno(env, "ioctl SIOCGIFFLAGS", err);
  }
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
    int err = errno;
    close(sock);
    return throw_errno(env, "ioctl SIOCSIFFLAGS", err);
  }
  close(sock);
  return NULL;
}

// ---- raw IPv4 --------------------------------------------------------------------------------

static napi_value open_raw(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 3, argv)) return NULL;
  int32_t protocol, mark;
  if (!get_int32(env, argv[0], &protocol) || !get_int32(env, argv[2], &mark)) return NULL;
  napi_valuetype type;
  napi_typeof(env, argv[1], &type);
  struct in_addr bind_addr = {.s_addr = htonl(INADDR_ANY)};
  if (type == napi_string) {
    char text[64];
    if (!get_string(env, argv[1], text, sizeof text)) return NULL;
    if (inet_pton(AF_INET, text, &bind_addr) != 1) {
      napi_throw_type_error(env, NULL, "bind address is not an IPv4 address");
      return NULL;
    }
  }
  int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return throw_errno(env, "socket(AF_INET, SOCK_RAW)", errno);
  int one = 1;
  // We build the whole IPv4 header ourselves (outer addresses, TTL, DF as the data plane wants).
  if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "setsockopt IP_HDRINCL", err);
  }
  // A firewall mark lets policy routing send our own ESP/AH past a route into the TUN
  // (transport mode between the peers' own addresses).
  if (mark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "setsockopt SO_MARK", err);
  }
  int rcvbuf = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof rcvbuf);
  if (bind_addr.s_addr != htonl(INADDR_ANY)) {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr = bind_addr;
    // A raw socket bound to an address only receives packets sent to that address.
    if (bind(fd, (struct sockaddr*)&sin, sizeof sin) < 0) {
      int err = errno;
      close(fd);
      return throw_errno(env, "bind raw socket", err);
    }
  }
  return make_int(env, fd);
}

// ---- batched reader --------------------------------------------------------------------------

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  uint32_t max_batch;
  uint32_t slot_size;
  uint8_t* buffer;
  uint32_t* lengths;
  int stopped;
  int closed;     // libuv is done with the poll handle
  int finalized;  // the JS external that points here was collected
} reader_t;

// The struct lives until both libuv and the JS external have let go of it.
static void reader_release(reader_t* reader) {
  if (reader->closed && reader->finalized) free(reader);
}

static void reader_closed(uv_handle_t* handle) {
  reader_t* reader = (reader_t*)handle->data;
  free(reader->buffer);
  free(reader->lengths);
  reader->buffer = NULL;
  reader->lengths = NULL;
  reader->closed = 1;
  reader_release(reader);
}

static void reader_on_readable(uv_poll_t* poll, int status, int events) {
  reader_t* reader = (reader_t*)poll->data;
  if (reader->stopped || status < 0 || !(events & UV_READABLE)) return;
  // Drain up to max_batch packets into one contiguous buffer, then make one call into JS.
  size_t offset = 0;
  uint32_t count = 0;
  size_t capacity = (size_t)reader->max_batch * reader->slot_size;
  while (count < reader->max_batch && capacity - offset >= reader->slot_size) {
    ssize_t n = read(reader->fd, reader->buffer + offset, reader->slot_size);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained; other errors: try again on the next readiness event
    }
    if (n == 0) break;
    reader->lengths[count++] = (uint32_t)n;
    offset += (size_t)n;
  }
  if (count == 0) return;

  napi_env env = reader->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value buffer, lengths_ab, lengths, callback, recv, result;
  void* data;
  napi_create_buffer_copy(env, offset, reader->buffer, &data, &buffer);
  void* lengths_data;
  napi_create_arraybuffer(env, count * sizeof(uint32_t), &lengths_data, &lengths_ab);
  memcpy(lengths_data, reader->lengths, count * sizeof(uint32_t));
  napi_create_typedarray(env, napi_uint32_array, count, lengths_ab, 0, &lengths);
  napi_get_reference_value(env, reader->callback, &callback);
  napi_get_global(env, &recv);  // make_callback wants an object receiver
  napi_value args[2] = {buffer, lengths};
  // make_callback runs the microtask queue afterwards, like every libuv-driven JS callback.
  napi_status s = napi_make_callback(env, reader->context, recv, callback, 2, args, &result);
  if (s == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

static void reader_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  reader_t* reader = (reader_t*)data;
  reader->finalized = 1;
  // A reader collected without stopReader keeps polling: its callback reference holds it open.
  reader_release(reader);
}

static napi_value start_reader(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  int32_t fd, max_batch, slot_size;
  if (!get_int32(env, argv[0], &fd) || !get_int32(env, argv[1], &max_batch) ||
      !get_int32(env, argv[2], &slot_size))
    return NULL;
  if (max_batch < 1 || max_batch > 4096 || slot_size < 576 || slot_size > MAX_PACKET + 1) {
    napi_throw_range_error(env, NULL, "maxBatch must be 1..4096 and slotSize 576..65536");
    return NULL;
  }
  reader_t* reader = calloc(1, sizeof *reader);
  if (!reader) return throw_errno(env, "calloc", ENOMEM);
  reader->env = env;
  reader->fd = fd;
  reader->max_batch = (uint32_t)max_batch;
  reader->slot_size = (uint32_t)slot_size;
  reader->buffer = malloc((size_t)max_batch * (size_t)slot_size);
  reader->lengths = malloc((size_t)max_batch * sizeof(uint32_t));
  if (!reader->buffer || !reader->lengths) {
    free(reader->buffer);
    free(reader->lengths);
    free(reader);
    return throw_errno(env, "malloc", ENOMEM);
  }
  napi_create_reference(env, argv[3], 1, &reader->callback);
  napi_value resource_name;
  napi_create_string_utf8(env, "typeswan:reader", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &reader->context);

  uv_loop_t* loop;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &reader->poll, fd);
  if (rc == 0) {
    reader->poll.data = reader;
    rc = uv_poll_start(&reader->poll, UV_READABLE, reader_on_readable);
  }
  if (rc != 0) {
    napi_delete_reference(env, reader->callback);
    napi_async_destroy(env, reader->context);
    free(reader->buffer);
    free(reader->lengths);
    free(reader);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  napi_value handle;
  napi_create_external(env, reader, reader_finalize, NULL, &handle);
  return handle;
}

static napi_value stop_reader(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  void* data = NULL;
  if (napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected a reader");
    return NULL;
  }
  reader_t* reader = (reader_t*)data;
  if (reader->stopped) return NULL;
  reader->stopped = 1;
  uv_poll_stop(&reader->poll);
  napi_delete_reference(env, reader->callback);
  napi_async_destroy(env, reader->context);
  uv_close((uv_handle_t*)&reader->poll, reader_closed);
  return NULL;
}

// ---- writes ----------------------------------------------------------------------------------

typedef struct {
  uint8_t* data;
  size_t length;
} packet_t;

// Reads up to MAX_WRITE_BATCH Buffers from a JS array; returns the count or -1 (exception set).
static int get_packets(napi_env env, napi_value array, packet_t* packets) {
  uint32_t length;
  if (napi_get_array_length(env, array, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an array of Buffers");
    return -1;
  }
  if (length > MAX_WRITE_BATCH) {
    napi_throw_range_error(env, NULL, "at most 256 packets per call");
    return -1;
  }
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    napi_get_element(env, array, i, &element);
    void* data;
    size_t size;
    if (napi_get_buffer_info(env, element, &data, &size) != napi_ok) {
      napi_throw_type_error(env, NULL, "expected an array of Buffers");
      return -1;
    }
    packets[i].data = data;
    packets[i].length = size;
  }
  return (int)length;
}

static napi_value write_tun(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  int32_t fd;
  if (!get_int32(env, argv[0], &fd)) return NULL;
  packet_t packets[MAX_WRITE_BATCH];
  int count = get_packets(env, argv[1], packets);
  if (count < 0) return NULL;
  // A TUN device takes exactly one packet per write(2): writev would join them into one.
  int written = 0;
  for (int i = 0; i < count; i++) {
    ssize_t n;
    do {
      n = write(fd, packets[i].data, packets[i].length);
    } while (n < 0 && errno == EINTR);
    if (n >= 0) written++;
  }
  return make_int(env, written);
}

static napi_value send_raw(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  int32_t fd;
  if (!get_int32(env, argv[0], &fd)) return NULL;
  packet_t packets[MAX_WRITE_BATCH];
  int count = get_packets(env, argv[1], packets);
  if (count < 0) return NULL;
  struct mmsghdr messages[MAX_WRITE_BATCH];
  struct iovec iov[MAX_WRITE_BATCH];
  struct sockaddr_in destinations[MAX_WRITE_BATCH];
  int usable = 0;
  for (int i = 0; i < count; i++) {
    // The destination comes from the packet's own IPv4 header (bytes 16..19).
    if (packets[i].length < 20 || (packets[i].data[0] >> 4) != 4) continue;
    memset(&destinations[usable], 0, sizeof destinations[usable]);
    destinations[usable].sin_family = AF_INET;
    memcpy(&destinations[usable].sin_addr, packets[i].data + 16, 4);
    iov[usable].iov_base = packets[i].data;
    iov[usable].iov_len = packets[i].length;
    memset(&messages[usable], 0, sizeof messages[usable]);
    messages[usable].msg_hdr.msg_name = &destinations[usable];
    messages[usable].msg_hdr.msg_namelen = sizeof destinations[usable];
    messages[usable].msg_hdr.msg_iov = &iov[usable];
    messages[usable].msg_hdr.msg_iovlen = 1;
    usable++;
  }
  int next = 0, sent = 0;
  while (next < usable) {
    int n = sendmmsg(fd, messages + next, (unsigned)(usable - next), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == ENOBUFS || errno == EBADF) break;
      next++;  // skip the packet the kernel refused (e.g. EMSGSIZE) and send the rest
      continue;
    }
    next += n;
    sent += n;
  }
  return make_int(env, sent);
}

static napi_value close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  int32_t fd;
  if (!get_int32(env, argv[0], &fd)) return NULL;
  if (close(fd) < 0) return throw_errno(env, "close", errno);
  return NULL;
}

// ---- network namespaces ----------------------------------------------------------------------

static napi_value set_netns(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  char path[512];
  if (!get_string(env, argv[0], path, sizeof path)) return NULL;
  int previous = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (previous < 0) return throw_errno(env, "open /proc/thread-self/ns/net", errno);
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int err = errno;
    close(previous);
    return throw_errno(env, path, err);
  }
  if (setns(target, CLONE_NEWNET) < 0) {
    int err = errno;
    close(target);
    close(previous);
    return throw_errno(env, "setns", err);
  }
  close(target);
  return make_int(env, previous);
}

static napi_value restore_netns(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  int32_t fd;
  if (!get_int32(env, argv[0], &fd)) return NULL;
  int rc = setns(fd, CLONE_NEWNET);
  int err = errno;
  close(fd);
  if (rc < 0) return throw_errno(env, "setns (restore)", err);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"openTun", NULL, open_tun, NULL, NULL, NULL, napi_default, NULL},
      {"setLinkUp", NULL, set_link_up, NULL, NULL, NULL, napi_default, NULL},
      {"openRaw", NULL, open_raw, NULL, NULL, NULL, napi_default, NULL},
      {"startReader", NULL, start_reader, NULL, NULL, NULL, napi_default, NULL},
      {"stopReader", NULL, stop_reader, NULL, NULL, NULL, napi_default, NULL},
      {"writeTun", NULL, write_tun, NULL, NULL, NULL, napi_default, NULL},
      {"sendRaw", NULL, send_raw, NULL, NULL, NULL, napi_default, NULL},
      {"closeFd", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"setNetns", NULL, set_netns, NULL, NULL, NULL, napi_default, NULL},
      {"restoreNetns", NULL, restore_netns, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  esp_crypto_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
