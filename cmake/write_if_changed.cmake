# write_if_changed(PATH TEXT): write TEXT to PATH only when it differs, so a
# generated source that did not change keeps its timestamp and nothing rebuilds.
function(write_if_changed path text)
  set(old "")
  if(EXISTS ${path})
    file(READ ${path} old)
  endif()
  if(NOT old STREQUAL text)
    file(WRITE ${path} "${text}")
  endif()
endfunction()
