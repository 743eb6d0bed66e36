// Translated messages: English source strings, Simplified Chinese for everyone who uses the window.
//
// Every message a clerk, applicant or supervisor reads goes through tr() / trf() with an English
// source string. The catalogue is a GNU gettext .mo file (app/po/zh_CN.po, compiled at build time
// to share/locale/zh_CN/LC_MESSAGES/onewindow.mo) that we read ourselves, so Chinese output does
// not depend on which system locales a machine has generated. A test extracts every tr()/trf()
// string with xgettext and fails when one has no translation.
//
// Threads: load_catalog() at start-up, before other threads run; tr() may then be called from
// any thread (it records misses under a lock).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace onewindow {

/// Loads a .mo catalogue; its messages replace earlier ones with the same source. Throws
/// Error(Input) naming the file when it is not a valid .mo file.
void load_catalog(const std::filesystem::path& mo_file);
/// Loads share/locale/<language>/LC_MESSAGES/onewindow.mo under `locale_dir` if it exists
/// (language "zh_CN" by default, or $ONEWINDOW_LANG; "en" keeps the English sources).
void load_default_catalog(const std::filesystem::path& locale_dir);
/// Forgets every loaded translation (English sources from then on).
void clear_catalog();

/// The translation of `english`, or `english` itself when there is none.
const char* tr(const char* english);

/// Every source string tr() was asked for while a catalogue was loaded and had no translation
/// (the window tests fail on any: an untranslated string was shown).
std::vector<std::string> untranslated_messages();

/// Translates, then replaces each "{}" in turn with the next argument.
std::string format_message(std::string_view pattern, std::initializer_list<std::string_view> args);
template <typename... Args>
std::string trf(const char* english, const Args&... args) {
    return format_message(tr(english), {std::string_view(args)...});
}

/// Marks a string for extraction without translating it (translate later with tr()).
#ifndef N_  // wx/translation.h defines the same macro
#define N_(text) text
#endif

}  // namespace onewindow
