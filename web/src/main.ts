import { initLanguage } from "./i18n";
import "./elements/rapport-app";

initLanguage();
