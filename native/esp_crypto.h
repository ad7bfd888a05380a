// Batched ESP crypto (esp_crypto.c): adds espNew, espSeal, espOpen and espFree to the exports.
#ifndef TYPESWAN_ESP_CRYPTO_H
#define TYPESWAN_ESP_CRYPTO_H
#include <node_api.h>
void esp_crypto_register(napi_env env, napi_value exports);
#endif
