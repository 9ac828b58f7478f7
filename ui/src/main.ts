// The inbox's entry: defines <llc-app>, which the page (ui/index.html) holds.
import './components/llc-app';
