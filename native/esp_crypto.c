// Batched ESP crypto for the data plane (issue 12): one OpenSSL context per SA with its keys
// set once, and many packets sealed or opened per call. It uses the OpenSSL that Node links
// in (its headers ship with Node; the symbols resolve against the node binary).
//
// The packet layout is made by TypeScript (src/ipsec/esp.ts espFrame): SPI, sequence, IV,
// payload, padding, pad length and next header are already in the buffer; this file only
// encrypts in place and writes the ICV (seal), or checks the ICV and decrypts into another
// buffer (open). RFC 4303 §2, RFC 4106 (GCM), RFC 3602 (CBC), RFC 3686 (CTR).
//
// JS API (typed in src/ipsec/espCrypto.ts):
//   espNew(cipher, key, salt, digest, macKey, icvLength, encrypt) -> handle | null
//        cipher "aes-gcm" | "aes-cbc" | "3des-cbc" | "aes-ctr"; digest "" or an OpenSSL name
//        (SHA1, SHA256, ...) for HMAC; null when OpenSSL refuses the algorithm
//   espSeal(handle, buffer, descriptors: Uint32Array, count)
//        per packet [espOffset, cipherLength, seqHigh, esn]
//   espOpen(handle, input, descriptors: Uint32Array, count, output)
//        per packet [espOffset, espLength, seqHigh, esn, outOffset, status]; status is set
//        to 0 (ok), 1 (ICV did not verify) or 2 (malformed); the plaintext (padding and
//        trailer included) goes to output[outOffset...]
//   espFree(handle)   zeroes and frees the contexts at once (the GC would do it later)

#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp_crypto.h"

enum { MODE_GCM, MODE_CBC, MODE_CTR };
enum { SEAL_FIELDS = 4, OPEN_FIELDS = 6 };

typedef struct {
  int mode;
  int encrypt;
  int iv_length;
  int icv_length;  // AEAD tag or truncated HMAC
  int block;       // cipher block size (1 for GCM/CTR)
  uint8_t salt[4];
  EVP_CIPHER_CTX* cipher;
  EVP_MAC_CTX* mac;  // NULL for GCM
  int freed;
} esp_sa;

static EVP_MAC* hmac_algorithm = NULL;

static void esp_release(esp_sa* sa) {
  if (sa->freed) return;
  EVP_CIPHER_CTX_free(sa->cipher);  // cleanses the key schedule
  EVP_MAC_CTX_free(sa->mac);
  OPENSSL_cleanse(sa->salt, sizeof sa->salt);
  sa->cipher = NULL;
  sa->mac = NULL;
  sa->freed = 1;
}

static void esp_finalize(napi_env env, void* data, void* hint) {
  esp_sa* sa = data;
  esp_release(sa);
  free(sa);
}

static int read_typed(napi_env env, napi_value value, napi_typedarray_type expected, void** data,
                      size_t* length) {
  napi_typedarray_type type;
  napi_value arraybuffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, data, &arraybuffer, &offset) != napi_ok ||
      type != expected) {
    napi_throw_type_error(env, NULL, expected == napi_uint8_array ? "expected a Uint8Array" : "expected a Uint32Array");
    return 0;
  }
  return 1;
}

static int read_bytes(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  return read_typed(env, value, napi_uint8_array, (void**)data, length);
}

static int read_u32s(napi_env env, napi_value value, uint32_t** data, size_t* length) {
  return read_typed(env, value, napi_uint32_array, (void**)data, length);
}

static const EVP_CIPHER* cipher_for(const char* name, size_t key_length, int* mode) {
  if (strcmp(name, "aes-gcm") == 0) {
    *mode = MODE_GCM;
    return key_length == 16 ? EVP_aes_128_gcm() : key_length == 24 ? EVP_aes_192_gcm()
           : key_length == 32                   ? EVP_aes_256_gcm()
                                                : NULL;
  }
  if (strcmp(name, "aes-cbc") == 0) {
    *mode = MODE_CBC;
    return key_length == 16 ? EVP_aes_128_cbc() : key_length == 24 ? EVP_aes_192_cbc()
           : key_length == 32                   ? EVP_aes_256_cbc()
                                                : NULL;
  }
  if (strcmp(name, "aes-ctr") == 0) {
    *mode = MODE_CTR;
    return key_length == 16 ? EVP_aes_128_ctr() : key_length == 24 ? EVP_aes_192_ctr()
           : key_length == 32                   ? EVP_aes_256_ctr()
                                                : NULL;
  }
  if (strcmp(name, "3des-cbc") == 0 && key_length == 24) {
    *mode = MODE_CBC;
    return EVP_des_ede3_cbc();
  }
  return NULL;
}

static napi_value null_value(napi_env env) {
  napi_value v;
  napi_get_null(env, &v);
  return v;
}

static napi_value esp_new(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return NULL;
  }
  char cipher_name[16], digest[16];
  size_t n;
  uint8_t *key, *salt, *mac_key;
  size_t key_length, salt_length, mac_key_length;
  int32_t icv_length;
  bool encrypt;
  if (napi_get_value_string_utf8(env, argv[0], cipher_name, sizeof cipher_name, &n) != napi_ok ||
      napi_get_value_string_utf8(env, argv[3], digest, sizeof digest, &n) != napi_ok ||
      napi_get_value_int32(env, argv[5], &icv_length) != napi_ok ||
      napi_get_value_bool(env, argv[6], &encrypt) != napi_ok) {
    napi_throw_type_error(env, NULL, "bad arguments");
    return NULL;
  }
  if (!read_bytes(env, argv[1], &key, &key_length) || !read_bytes(env, argv[2], &salt, &salt_length) ||
      !read_bytes(env, argv[4], &mac_key, &mac_key_length))
    return NULL;
  int mode;
  const EVP_CIPHER* cipher = cipher_for(cipher_name, key_length, &mode);
  if (cipher == NULL || icv_length < 0 || icv_length > 32) return null_value(env);
  if ((mode == MODE_GCM || mode == MODE_CTR) ? salt_length != 4 : salt_length != 0) return null_value(env);
  if ((mode == MODE_GCM) != (digest[0] == '\0')) return null_value(env);
  if (mode == MODE_GCM && icv_length != 8 && icv_length != 12 && icv_length != 16) return null_value(env);

  esp_sa* sa = calloc(1, sizeof *sa);
  if (sa == NULL) return null_value(env);
  sa->mode = mode;
  sa->encrypt = encrypt;
  sa->icv_length = icv_length;
  sa->block = EVP_CIPHER_get_block_size(cipher);
  sa->iv_length = mode == MODE_CBC ? EVP_CIPHER_get_iv_length(cipher) : 8;
  if (salt_length == 4) memcpy(sa->salt, salt, 4);
  sa->cipher = EVP_CIPHER_CTX_new();
  int ok = sa->cipher != NULL && EVP_CipherInit_ex(sa->cipher, cipher, NULL, key, NULL, encrypt ? 1 : 0) == 1;
  if (ok && mode != MODE_GCM) ok = EVP_CIPHER_CTX_set_padding(sa->cipher, 0) == 1;
  if (ok && digest[0] != '\0') {
    if (hmac_algorithm == NULL) hmac_algorithm = EVP_MAC_fetch(NULL, "HMAC", NULL);
    sa->mac = hmac_algorithm != NULL ? EVP_MAC_CTX_new(hmac_algorithm) : NULL;
    OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                            OSSL_PARAM_construct_end()};
    ok = sa->mac != NULL && EVP_MAC_init(sa->mac, mac_key, mac_key_length, params) == 1 &&
         (int)EVP_MAC_CTX_get_mac_size(sa->mac) >= icv_length;
  }
  if (!ok) {
    esp_release(sa);
    free(sa);
    return null_value(env);
  }
  napi_value handle;
  if (napi_create_external(env, sa, esp_finalize, NULL, &handle) != napi_ok) {
    esp_release(sa);
    free(sa);
    return NULL;
  }
  return handle;
}

static esp_sa* get_sa(napi_env env, napi_value value, int encrypt) {
  void* data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected an ESP context");
    return NULL;
  }
  esp_sa* sa = data;
  if (sa->freed || sa->encrypt != encrypt) {
    napi_throw_error(env, NULL, sa->freed ? "ESP context was freed" : "ESP context of the other direction");
    return NULL;
  }
  return sa;
}

static void put_u32(uint8_t* at, uint32_t v) {
  at[0] = v >> 24;
  at[1] = v >> 16;
  at[2] = v >> 8;
  at[3] = v;
}

// RFC 4106 §5: AAD = SPI | sequence, or SPI | ESN high | ESN low (12 bytes).
static int gcm_aad(const uint8_t* esp, uint32_t seq_high, uint32_t esn, uint8_t* aad) {
  memcpy(aad, esp, 4);
  if (!esn) {
    memcpy(aad + 4, esp + 4, 4);
    return 8;
  }
  put_u32(aad + 4, seq_high);
  memcpy(aad + 8, esp + 4, 4);
  return 12;
}

// GCM nonce (salt | IV) or RFC 3686 §4 counter block (nonce | IV | 1).
static void counter_iv(const esp_sa* sa, const uint8_t* iv, uint8_t* out) {
  memcpy(out, sa->salt, 4);
  memcpy(out + 4, iv, 8);
  if (sa->mode == MODE_CTR) put_u32(out + 12, 1);
}

// HMAC over [esp, esp + length) and, with ESN, the high sequence bits (RFC 4303 §2.2.1).
static int esp_hmac(esp_sa* sa, const uint8_t* esp, size_t length, uint32_t seq_high, uint32_t esn,
                    uint8_t* digest) {
  size_t out = 0;
  uint8_t high[4];
  put_u32(high, seq_high);
  return EVP_MAC_init(sa->mac, NULL, 0, NULL) == 1 && EVP_MAC_update(sa->mac, esp, length) == 1 &&
         (!esn || EVP_MAC_update(sa->mac, high, 4) == 1) && EVP_MAC_final(sa->mac, digest, &out, 64) == 1;
}

static int run_cipher(esp_sa* sa, const uint8_t* iv, uint8_t* out, const uint8_t* in, int length) {
  uint8_t block[16];
  const uint8_t* start = iv;
  if (sa->mode != MODE_CBC) {
    counter_iv(sa, iv, block);
    start = block;
  }
  int n = 0, tail = 0;
  return EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, start, -1) == 1 &&
         EVP_CipherUpdate(sa->cipher, out, &n, in, length) == 1 && n == length &&
         (sa->mode == MODE_GCM || EVP_CipherFinal_ex(sa->cipher, out + n, &tail) == 1);
}

static int seal_one(esp_sa* sa, uint8_t* esp, uint32_t length, uint32_t seq_high, uint32_t esn) {
  uint8_t* iv = esp + 8;
  uint8_t* ct = iv + sa->iv_length;
  uint8_t* icv = ct + length;
  if (sa->mode == MODE_GCM) {
    uint8_t nonce[12], aad[12];
    int n = 0, tail = 0;
    counter_iv(sa, iv, nonce);
    int aad_length = gcm_aad(esp, seq_high, esn, aad);
    return EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, nonce, -1) == 1 &&
           EVP_CipherUpdate(sa->cipher, NULL, &n, aad, aad_length) == 1 &&
           EVP_CipherUpdate(sa->cipher, ct, &n, ct, (int)length) == 1 &&
           EVP_CipherFinal_ex(sa->cipher, ct + n, &tail) == 1 &&
           EVP_CIPHER_CTX_ctrl(sa->cipher, EVP_CTRL_GCM_GET_TAG, sa->icv_length, icv) == 1;
  }
  if (length % sa->block != 0) return 0;
  uint8_t digest[64];
  if (!run_cipher(sa, iv, ct, ct, (int)length) || !esp_hmac(sa, esp, icv - esp, seq_high, esn, digest)) return 0;
  memcpy(icv, digest, sa->icv_length);
  return 1;
}

static napi_value esp_seal(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return NULL;
  }
  esp_sa* sa = get_sa(env, argv[0], 1);
  uint8_t* buffer;
  size_t size, fields;
  uint32_t* d;
  uint32_t count;
  if (sa == NULL || !read_bytes(env, argv[1], &buffer, &size) || !read_u32s(env, argv[2], &d, &fields) ||
      napi_get_value_uint32(env, argv[3], &count) != napi_ok)
    return NULL;
  if ((size_t)count * SEAL_FIELDS > fields) {
    napi_throw_range_error(env, NULL, "descriptor table too short");
    return NULL;
  }
  for (uint32_t k = 0; k < count; k++, d += SEAL_FIELDS) {
    size_t end = (size_t)d[0] + 8 + sa->iv_length + d[1] + sa->icv_length;
    if (end > size || !seal_one(sa, buffer + d[0], d[1], d[2], d[3])) {
      napi_throw_error(env, NULL, "ESP seal failed");
      return NULL;
    }
  }
  return NULL;
}

// 0 ok, 1 integrity, 2 malformed. The ICV is checked before anything is decrypted
// (RFC 4303 §3.4.4.1); GCM checks its tag as part of decryption and the plaintext of a
// packet that fails is never used.
static uint32_t open_one(esp_sa* sa, const uint8_t* esp, uint32_t length, uint32_t seq_high, uint32_t esn,
                         uint8_t* out) {
  int header = 8 + sa->iv_length;
  if (length < (uint32_t)(header + sa->icv_length)) return 2;
  uint32_t ct_length = length - header - sa->icv_length;
  const uint8_t* iv = esp + 8;
  const uint8_t* ct = esp + header;
  const uint8_t* icv = ct + ct_length;
  if (ct_length < 2 || ct_length % sa->block != 0) return 2;
  if (sa->mode == MODE_GCM) {
    uint8_t nonce[12], aad[12], tag[16];
    int n = 0, tail = 0;
    counter_iv(sa, iv, nonce);
    int aad_length = gcm_aad(esp, seq_high, esn, aad);
    memcpy(tag, icv, sa->icv_length);
    if (EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, nonce, -1) != 1 ||
        EVP_CipherUpdate(sa->cipher, NULL, &n, aad, aad_length) != 1 ||
        EVP_CipherUpdate(sa->cipher, out, &n, ct, (int)ct_length) != 1 ||
        EVP_CIPHER_CTX_ctrl(sa->cipher, EVP_CTRL_GCM_SET_TAG, sa->icv_length, tag) != 1)
      return 2;
    return EVP_CipherFinal_ex(sa->cipher, out + n, &tail) == 1 ? 0 : 1;
  }
  uint8_t digest[64];
  if (!esp_hmac(sa, esp, icv - esp, seq_high, esn, digest)) return 2;
  if (CRYPTO_memcmp(digest, icv, sa->icv_length) != 0) return 1;
  return run_cipher(sa, iv, out, ct, (int)ct_length) ? 0 : 2;
}

static napi_value esp_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return NULL;
  }
  esp_sa* sa = get_sa(env, argv[0], 0);
  uint8_t *input, *output;
  size_t in_size, out_size, fields;
  uint32_t* d;
  uint32_t count;
  if (sa == NULL || !read_bytes(env, argv[1], &input, &in_size) || !read_u32s(env, argv[2], &d, &fields) ||
      napi_get_value_uint32(env, argv[3], &count) != napi_ok || !read_bytes(env, argv[4], &output, &out_size))
    return NULL;
  if ((size_t)count * OPEN_FIELDS > fields) {
    napi_throw_range_error(env, NULL, "descriptor table too short");
    return NULL;
  }
  for (uint32_t k = 0; k < count; k++, d += OPEN_FIELDS) {
    size_t header = 8 + sa->iv_length + sa->icv_length;
    if ((size_t)d[0] + d[1] > in_size || d[1] < header || (size_t)d[4] + (d[1] - header) > out_size) {
      d[5] = 2;
      continue;
    }
    d[5] = open_one(sa, input + d[0], d[1], d[2], d[3], output + d[4]);
  }
  return NULL;
}

static napi_value esp_free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void* data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected an ESP context");
    return NULL;
  }
  esp_release(data);
  return NULL;
}

void esp_crypto_register(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"espNew", NULL, esp_new, NULL, NULL, NULL, napi_default, NULL},
      {"espSeal", NULL, esp_seal, NULL, NULL, NULL, napi_default, NULL},
      {"espOpen", NULL, esp_open, NULL, NULL, NULL, napi_default, NULL},
      {"espFree", NULL, esp_free, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
}
