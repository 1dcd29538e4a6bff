# `cmake --install` makes sluice usable from other CMake projects:
#   find_package(Sluice REQUIRED)
#   sluice_add_plugin(my_classifier SOURCES my_classifier.cc)
include(CMakePackageConfigHelpers)
set_target_properties(sluice_plugin_sdk PROPERTIES EXPORT_NAME plugin_sdk)
install(TARGETS sluice_plugin_sdk EXPORT SluiceTargets)
install(EXPORT SluiceTargets NAMESPACE Sluice:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/SluiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SluiceConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice
  PATH_VARS SLUICE_PLUGIN_INSTALL_DIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SluiceConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SluiceConfig.cmake ${PROJECT_BINARY_DIR}/SluiceConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/SluicePlugin.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice)
# The directory `sluice` searches for plugins by name (built-in plugins are installed there).
install(DIRECTORY DESTINATION ${SLUICE_PLUGIN_INSTALL_DIR})
