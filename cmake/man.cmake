# Man pages and shell completion (included from CMakeLists.txt).
#
# The pages are written in scdoc (docs/man/*.scd: NAME.SECTION.scd) and
# turned into roff in the build tree, so the source stays readable and
# the roff is never edited by hand. scdoc is required: a build without the
# pages would install a chipgate whose `man chipgate` is missing.
find_program(SCDOC_EXECUTABLE scdoc)
if(NOT SCDOC_EXECUTABLE)
  message(FATAL_ERROR
    "scdoc not found: the man pages (docs/man/*.scd) are built with it. "
    "Install the Debian package scdoc (apt-get install scdoc, or run "
    "scripts/setup.sh, which installs scripts/packages.txt).")
endif()

file(GLOB CG_MAN_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.scd)
set(CG_MAN_PAGES)
foreach(src IN LISTS CG_MAN_SRC)
  get_filename_component(name ${src} NAME)
  string(REGEX REPLACE "\\.scd$" "" page ${name})
  string(REGEX MATCH "[1-9]$" sec ${page})
  if(NOT sec)
    message(FATAL_ERROR "${src}: name it NAME.SECTION.scd (e.g. chipgate.1.scd)")
  endif()
  set(out ${PROJECT_BINARY_DIR}/man/${page})
  # Through a temporary file: a page scdoc rejects leaves no half page
  # behind for the next build to take as up to date.
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND sh -c "\"$1\" < \"$2\" > \"$3.tmp\" && mv \"$3.tmp\" \"$3\""
            sh ${SCDOC_EXECUTABLE} ${src} ${out}
    DEPENDS ${src} VERBATIM)
  list(APPEND CG_MAN_PAGES ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sec})
endforeach()
add_custom_target(man ALL DEPENDS ${CG_MAN_PAGES})

# Shell completion, where bash-completion and zsh look for it (Debian's
# zsh reads vendor-completions; bash-completion loads completions/NAME on
# first use of NAME).
install(FILES ${PROJECT_SOURCE_DIR}/completion/chipgate.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME chipgate)
install(FILES ${PROJECT_SOURCE_DIR}/completion/_chipgate
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
