/* OneWindow plugin ABI: the plain C boundary between the shell and a department plugin.
 *
 * A plugin is a shared library that exports exactly one symbol, `onewindow_plugin_entry`, a
 * function returning a pointer to a static, size-stamped table of functions (ow_plugin_v1).
 * The host finds it with Boost.DLL after it has checked the manifest, the library hash and its
 * ELF header. Nothing but C types crosses: no C++ exception, no std::string, no STL object.
 *
 * Versions.
 *   ONEWINDOW_ABI_MAJOR goes up when a member of the table changes meaning or signature, or a
 *   member is removed: plugins built for another major are refused.
 *   ONEWINDOW_ABI_MINOR goes up when members are appended at the end of the table (the table is
 *   append-only; each member is marked with the version that added it). A host loads a plugin
 *   whose minor is not newer than its own; it reads members beyond a plugin's `struct_size` as
 *   absent.
 *   1.0  init, validate, route, derive, fill_document, shutdown
 *   1.1  device (ID card readers and other devices)
 *   1.2  create, call, destroy: plugin instances bound to the host's services (ow_host_v1:
 *        log, now, settings). A host calls a plugin that provides `create` through these three
 *        only; the 1.0 members stay in the table for older hosts, with their old meaning.
 *   The host's table (ow_host_v1) follows the same rules: size-stamped, append-only, a plugin
 *   reads members beyond its `struct_size` as absent.
 *
 * Data. Every request and every answer is one UTF-8 JSON document (a NUL-terminated string).
 *   Requests are owned by the host and valid only during the call.
 *   Answers (and error messages) are allocated by the plugin and handed to the host, which
 *   releases them with the plugin's own `free_string`: whoever allocates, frees.
 *
 * Status. Every call returns OW_OK and sets *answer to a JSON document, or returns OW_ERROR and
 *   sets *answer to a plain UTF-8 message (or NULL). The host treats any other return value as
 *   OW_ERROR.
 *
 * Threads and call order. The host calls one plugin instance from one thread at a time (not
 *   always the same thread: the window calls from its worker thread, the command line from its
 *   main thread); `create` (or `init`) first, before any other member; `destroy` (or `shutdown`)
 *   last. No call may block on anything but the CPU: no windows, no files outside what the
 *   plugin's settings name, no database, no network. A plugin gets data and returns decisions.
 *   Time budgets (the clerk waits): validate, route and derive 50 ms; fill_document 200 ms;
 *   device 2 s; create/init 500 ms. Host callbacks (ow_host_v1) may be called only during a
 *   call into the plugin, from the thread making it.
 */
#ifndef ONEWINDOW_SDK_ABI_H
#define ONEWINDOW_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#define ONEWINDOW_ABI_MAJOR 1
#define ONEWINDOW_ABI_MINOR 2

/* Name of the one exported symbol. */
#define ONEWINDOW_ENTRY_SYMBOL "onewindow_plugin_entry"

#ifdef __cplusplus
extern "C" {
#endif

enum { OW_OK = 0, OW_ERROR = 1 };

/* One JSON call: request in, answer (or error message) out, freed by free_string. */
typedef int (*ow_call_fn)(const char* request_json, char** answer);

/* Since 1.2. The operations of ow_plugin_v1.call, one per 1.0/1.1 call member. */
enum {
    OW_OP_VALIDATE = 1,
    OW_OP_ROUTE = 2,
    OW_OP_DERIVE = 3,
    OW_OP_FILL_DOCUMENT = 4,
    OW_OP_DEVICE = 5
};

/* Since 1.2. Levels of ow_host_v1.log. */
enum { OW_LOG_DEBUG = 0, OW_LOG_INFO = 1, OW_LOG_WARNING = 2, OW_LOG_ERROR = 3 };

/* Since 1.2. The services the host offers one plugin instance, handed to `create`. Owned by the
 * host, valid until `destroy` returns. Every callback takes `context` first. Strings the host
 * returns are released with this table's `free_string` (whoever allocates, frees). A callback
 * may be called only while the host is calling into the plugin, from that thread. */
typedef struct ow_host_v1 {
    /* Since 1.2. sizeof(ow_host_v1) as the host was compiled; read members beyond it as absent. */
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    /* Since 1.2. The host's own pointer, passed back to every callback. */
    void* context;
    /* Since 1.2. Releases a string a callback returned. */
    void (*free_string)(void* context, char* text);
    /* Since 1.2. Writes one line into the counter's log (<data>/logs/counter.log), marked with
     * the plugin's id and the level (OW_LOG_*). UTF-8; line breaks become spaces; ID numbers and
     * phone numbers are masked by the host, but do not log personal data in the first place. */
    void (*log)(void* context, int level, const char* message);
    /* Since 1.2. The counter's local date and time, "YYYY-MM-DD HH:MM:SS": use it rather than the
     * system clock (tests and replays set it). NULL only when out of memory. */
    char* (*now)(void* context);
    /* Since 1.2. The plugin's settings as the administrator wrote them in the counter's
     * plugin-settings.json, checked against the manifest's "settings" and with its defaults
     * filled in: a JSON object. NULL only when out of memory. */
    char* (*settings)(void* context);
} ow_host_v1;

typedef struct ow_plugin_v1 {
    /* Since 1.0. sizeof(ow_plugin_v1) as the plugin was compiled. */
    uint32_t struct_size;
    /* Since 1.0. The ABI the plugin was built against. */
    uint16_t abi_major;
    uint16_t abi_minor;

    /* Since 1.0. Releases a string this plugin returned. Never NULL. */
    void (*free_string)(char* text);

    /* Since 1.0. Called once before anything else. Request:
     *   {"abi": "1.0", "host_version": "0.1.0", "plugin_id": "...", "settings": {...}}
     * Answer: {} on success; on OW_ERROR the message says why the plugin cannot run. */
    ow_call_fn init;

    /* Since 1.0. Checks a request beyond the form rules. Request (see sdk/README.md):
     *   {"item": "<item code>", "values": {"<field key>": value, ...},
     *    "materials": ["<material key>", ...], "today": "YYYY-MM-DD",
     *    "service_area": "<6-digit division code>"}
     * Answer: {"findings": [{"field": "<key or empty>", "severity": "error"|"warning",
     *                        "message": "<Chinese text for the clerk>"}]} */
    ow_call_fn validate;

    /* Since 1.0. Chooses where the item goes. Request: as for validate. Answer:
     *   {"routes": [{"department": "<code>", "endpoint": "<endpoint name>",
     *                "preliminary_review": true|false, "required": true|false}]} */
    ow_call_fn route;

    /* Since 1.0. Values the plugin derives from the others. Request: as for validate.
     * Answer: {"values": {"<field key>": value, ...}} */
    ow_call_fn derive;

    /* Since 1.0. Fills a result document. Request:
     *   {"item": "...", "template": "<template id>", "case": {...}, "decision": {...}}
     * Answer: {"fields": {"<binding>": value, ...}} */
    ow_call_fn fill_document;

    /* Since 1.0. Called once, last. May be NULL. */
    void (*shutdown)(void);

    /* Since 1.1. Drives a device the plugin declares in its manifest ("devices": ID card
     * reader, document camera). Request:
     *   {"device": "<device id from the manifest>", "action": "read"}
     * Answer of a device of kind "id_card_reader": {"card": null} when no card lies on the
     * reader, else
     *   {"card": {"name": "...", "sex": "男"|"女", "ethnicity": "汉", "birth_date": "YYYY-MM-DD",
     *             "address": "...", "id_number": "...", "issuer": "...",
     *             "valid_from": "YYYY-MM-DD", "valid_until": "YYYY-MM-DD" or "长期",
     *             "image": "<absolute path of an image of the card, or empty>"}}
     * On OW_ERROR the message tells the clerk what is wrong with the device (in Chinese). */
    ow_call_fn device;

    /* Since 1.2. Creates an instance of the plugin bound to `host`. Request: as init's. On OW_OK
     * *instance is the plugin's own pointer, passed back to `call` and `destroy`; on OW_ERROR
     * *answer says why the plugin cannot run. A host calls a plugin that has `create` through
     * create/call/destroy only, never through the 1.0 call members. */
    int (*create)(const ow_host_v1* host, const char* request_json, void** instance, char** answer);

    /* Since 1.2. One operation (OW_OP_*) on an instance: request and answer as for the 1.0/1.1
     * member of that operation. */
    int (*call)(void* instance, int operation, const char* request_json, char** answer);

    /* Since 1.2. Releases an instance; the last call on it. */
    void (*destroy)(void* instance);
} ow_plugin_v1;

/* The entry point every plugin exports (ONEWINDOW_PLUGIN defines it). */
typedef const ow_plugin_v1* (*ow_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* ONEWINDOW_SDK_ABI_H */
