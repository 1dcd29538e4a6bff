# sluice_add_plugin(<target> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds a sluice plugin: a shared library that exports only `sluice_plugin_v1`. The plugin
# needs nothing from sluice at run time but the C ABI in <sluice/plugin.h>; the header-only SDK
# <sluice/plugin.hpp> decodes documents itself, so a plugin links no protobuf and may be built
# with another compiler or standard library than the host.
function(sluice_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED SLUICE_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${SLUICE_PLUGIN_OUTPUT_DIR})
  endif()
  if(TARGET sluice_plugin_sdk)
    target_link_libraries(${target} PRIVATE sluice_plugin_sdk)
  else()
    target_link_libraries(${target} PRIVATE Sluice::plugin_sdk)
  endif()
  if(ARG_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
endfunction()
