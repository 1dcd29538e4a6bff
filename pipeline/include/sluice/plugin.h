/*
 * sluice/plugin.h — the C ABI between sluice and its plugins (version 1).
 *
 * A plugin is a shared library that exports exactly one symbol:
 *
 *     const sluice_plugin_desc_v1* sluice_plugin_v1(void);
 *
 * returning a pointer to a static, immutable descriptor. Nothing but C types crosses this
 * boundary: documents travel as serialized sluice.v1.Document protobuf bytes (the schema is in
 * <sluice/v1/document.proto>), configuration as YAML text, errors as NUL-terminated UTF-8. A
 * plugin can therefore be built with another compiler, another C++ standard library, or another
 * (or no) protobuf runtime than the host. Most authors never touch this file: the header-only C++
 * SDK <sluice/plugin.hpp> implements it; derive from sluice::sdk::Classifier or
 * sluice::sdk::Stage and write SLUICE_PLUGIN(MyClass).
 *
 * Compatibility rules
 *   - The host checks `magic`, then `abi_version`, then `struct_size` before reading anything
 *     else, and refuses the plugin with a message naming the file and the mismatch.
 *   - Fields are only ever appended to the descriptor; `struct_size` lets a newer host see which
 *     ones an older plugin has. A new abi_version means a breaking change.
 *
 * Threading contract
 *   - `create` may be called several times (one instance per worker thread); an instance is used
 *     by one thread at a time. Plugins that keep global state must protect it themselves.
 *   - Callbacks given to `process` are valid only during that call.
 *
 * Failure contract
 *   - A plugin reports failure by returning SLUICE_TRANSIENT or SLUICE_PERMANENT and making
 *     `last_error` return the reason. The host nacks that one document (retry, then dead letter)
 *     and keeps running. A C++ exception must never cross this boundary (the SDK catches them and
 *     returns SLUICE_TRANSIENT). A plugin that crashes takes its worker process with it; the
 *     supervisor restarts the worker and the ledger redelivers, so the crash costs one attempt of
 *     one document.
 */
#ifndef SLUICE_PLUGIN_H_
#define SLUICE_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "SLCE" — first field of every descriptor; anything else is not a sluice plugin. */
#define SLUICE_PLUGIN_MAGIC 0x534C4345u
/* Bumped on any incompatible change of this file. */
#define SLUICE_PLUGIN_ABI_VERSION 1u
/* Name of the one exported symbol. */
#define SLUICE_PLUGIN_ENTRY "sluice_plugin_v1"

/* What the plugin is. */
typedef enum sluice_plugin_kind {
  /* Hosted by `sluice stage <plugin>`: transforms documents like a built-in stage. */
  SLUICE_KIND_STAGE = 1,
  /* Hosted by the classify stage: adds labels to documents. */
  SLUICE_KIND_CLASSIFIER = 2
} sluice_plugin_kind;

/* Result of `process` and `flush`. */
typedef enum sluice_result {
  SLUICE_OK = 0,
  /* Try again later: the document is redelivered (attempt + 1) up to the ledger's limit. */
  SLUICE_TRANSIENT = 1,
  /* Never succeeds: the document goes to the dead-letter table with last_error() as reason. */
  SLUICE_PERMANENT = 2
} sluice_result;

/* How the bytes given to `emit` are applied to the document. */
typedef enum sluice_output_mode {
  /* A serialized Document holding only fields to add or set; the host merges it into the
   * document (scalars overwrite, repeated fields append, messages merge). Unknown fields and
   * everything the plugin did not mention are kept. The normal case. */
  SLUICE_OUTPUT_DELTA = 0,
  /* A complete serialized Document that replaces the input (to remove fields or reorder
   * repeated ones). */
  SLUICE_OUTPUT_REPLACE = 1
} sluice_output_mode;

/* Output callback handed to `process`: call it at most once per call with the plugin's result.
 * `data` need only stay valid during the call (the host copies). Not calling it means "no
 * change" (a stage forwards the document as it came; a classifier adds no label). A classifier's
 * delta carries only `labels` (field 32 of Document); the host ignores anything else it sets. */
typedef void (*sluice_emit_fn)(void* host_ctx, const uint8_t* data, size_t size, sluice_output_mode mode);

/* The plugin's configuration, handed to `create`. All strings are NUL-terminated UTF-8 and valid
 * only during the call. The same section is given twice: as YAML text, for plugins that parse it
 * themselves, and flattened into key/value pairs, for those that do not want a YAML parser:
 *
 *     threshold: 0.5            →  "threshold" = "0.5"
 *     keywords:                 →  "keywords.双减[0]" = "校外培训"
 *       双减: [校外培训, 作业]      "keywords.双减[1]" = "作业"
 *
 * Map keys are joined with '.', sequence items get "[i]"; only scalars appear as values. */
typedef struct sluice_config {
  const char* yaml;
  size_t yaml_len;
  const char* const* keys;
  const char* const* values;
  size_t count;
  /* Directory of the pipeline config file: resolve relative paths against it. */
  const char* config_dir;
  /* The pipeline's data directory (writable). */
  const char* data_dir;
  /* Which worker of its stage this instance serves (0-based). */
  uint32_t worker;
} sluice_config;

typedef struct sluice_plugin_desc_v1 {
  /* Must be SLUICE_PLUGIN_MAGIC. */
  uint32_t magic;
  /* sizeof(sluice_plugin_desc_v1) as the plugin was compiled. */
  uint32_t struct_size;
  /* Must be SLUICE_PLUGIN_ABI_VERSION. */
  uint32_t abi_version;
  /* A sluice_plugin_kind. */
  uint32_t kind;
  /* Short name, e.g. "keyword"; used in logs and as the `classifier` of the labels it gives. */
  const char* name;
  /* Free-form version of the plugin, e.g. "1.2.0". */
  const char* version;

  /* Creates an instance from the plugin's `config:` section (see sluice_config). On success
   * returns a non-NULL instance. On failure returns NULL and writes a NUL-terminated reason into
   * `error` (at most `error_cap` bytes, always terminated). */
  void* (*create)(const struct sluice_config* config, char* error, size_t error_cap);

  /* Processes one serialized Document of `size` bytes. Returns a sluice_result; on anything but
   * SLUICE_OK, last_error(instance) says why. Output goes through emit(host_ctx, …). */
  int (*process)(void* instance, const uint8_t* doc, size_t size, sluice_emit_fn emit, void* host_ctx);

  /* Commits anything buffered by process (NULL when the plugin buffers nothing). Returns a
   * sluice_result with the same meaning as for process. */
  int (*flush)(void* instance);

  /* Releases an instance; never fails. */
  void (*destroy)(void* instance);

  /* The reason for the last failure of `process` or `flush` on this instance, NUL-terminated,
   * owned by the instance and valid until its next call; "" when there was none. */
  const char* (*last_error)(void* instance);
} sluice_plugin_desc_v1;

/* The one entry point a plugin exports. Returns a pointer to a static descriptor; never NULL. */
typedef const sluice_plugin_desc_v1* (*sluice_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_PLUGIN_H_ */
