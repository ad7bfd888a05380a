{
  "targets": [
    {
      "target_name": "typeswan_native",
      "sources": ["native/typeswan_native.c", "native/esp_crypto.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
