// Progressive enhancement of a plain <select data-autocomplete="person"> (the owner picker on the deliverable
// form) into alphagov's accessible-autocomplete, loaded only on that page. Without JavaScript, or if the library
// did not load, the select stays as it is and works the same: its value is what the form sends either way.
const autocomplete = window.accessibleAutocomplete;
if (autocomplete) {
  document.querySelectorAll('select[data-autocomplete="person"]').forEach((select) => {
    autocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      dropdownArrow: () => "",
      tNoResults: () => "Nobody with a role in this strategy has that name",
    });
  });
}
