# The family-planning plugin tests load the staged plugin.
add_dependencies(onewindow-unit-tests onewindow_family_planning)
