// The reader-facing words in German: every section and key of en.ts, nothing more.
import type * as English from "./en.ts";
import { plural } from "./format.ts";

type Catalogue = typeof English;

export const locale = "de";
const count = (n: number, one: string, other: string) => plural(locale, n, { one, other });

export const layout = {
  skipToContent: "Zum Inhalt springen",
  siteNav: "Website",
  publishedWith: "Veröffentlicht mit Quire.",
  footerNav: "Fußzeile",
} satisfies Catalogue["layout"];

export const menu = {
  home: "Lesen",
  tags: "Themen",
  search: "Suche",
  write: "Schreiben",
  feed: "RSS-Feed",
  signIn: "Anmelden",
  profile: "Profil",
} satisfies Catalogue["menu"];

export const list = {
  pager: "Weitere Beiträge",
  newest: "← Neueste",
  older: "Ältere Beiträge →",
  tags: "Themen",
  posts: (n: number) => count(n, "# Beitrag", "# Beiträge"),
} satisfies Catalogue["list"];

export const home = {
  title: "Neueste Texte",
  lede: "Essays, Notizen und Anleitungen von den Menschen, die hier schreiben.",
  browseByTag: "Nach Themen stöbern",
  empty: "Noch ist nichts veröffentlicht.",
  writeFirst: "Den ersten Beitrag schreiben",
} satisfies Catalogue["home"];

export const post = {
  by: "Von",
  minRead: (minutes: number) => count(minutes, "# Min. Lesezeit", "# Min. Lesezeit"),
  description: (title: string, author: string) => `${title}, von ${author}.`,
  morePosts: "Weitere Beiträge",
  older: "← Älter",
  newer: "Neuer →",
  comments: "Kommentare",
} satisfies Catalogue["post"];

export const tags = {
  title: "Themen",
  description: "Alle Themen, über die hier geschrieben wird.",
  lede: "Alle Themen mit veröffentlichten Texten.",
  none: "Noch keine Themen.",
  all: "Alle Themen",
  tagDescription: (tag: string, posts: string) => `Beiträge zum Thema ${tag} (${posts}).`,
  feed: "RSS-Feed zu diesem Thema",
  empty: "Hier gibt es noch keine Beiträge.",
  feedDescription: (tag: string, site: string) => `Beiträge zum Thema ${tag} auf ${site}.`,
} satisfies Catalogue["tags"];

export const author = {
  description: (name: string) => `Texte von ${name}.`,
  empty: "Noch keine veröffentlichten Beiträge.",
} satisfies Catalogue["author"];

export const search = {
  title: "Suche",
  titleFor: (query: string) => `Suche: ${query}`,
  description: "Alles durchsuchen, was hier veröffentlicht ist.",
  label: "Beiträge und Seiten durchsuchen",
  placeholder: "Wörter aus einem Titel, einem Beitrag oder einer Seite",
  submit: "Suchen",
  nothing: (query: string) => `Nichts passt zu „${query}“. Versuchen Sie weniger oder andere Wörter.`,
  matches: (n: number, query: string) => `${count(n, "# Ergebnis passt", "# Ergebnisse passen")} zu „${query}“`,
  page: "Seite",
  pager: "Weitere Ergebnisse",
  first: "← Erste Ergebnisse",
  more: "Weitere Ergebnisse →",
} satisfies Catalogue["search"];

export const notFound = {
  title: "Nicht gefunden",
  text: "Unter dieser Adresse gibt es nichts. Vielleicht wurde es zurückgezogen, verschoben oder gelöscht.",
  home: "Zu den neuesten Texten",
} satisfies Catalogue["notFound"];

export const providerError = {
  cancelledTitle: "Die Anmeldung wurde abgebrochen",
  cancelledText:
    "Sie haben Quire nicht erlaubt, Ihr Konto beim Anbieter zu nutzen, daher wurde niemand angemeldet. Sie können es noch einmal versuchen oder E-Mail-Adresse und Passwort verwenden.",
  expiredTitle: "Dieser Anmeldelink war abgelaufen",
  expiredText:
    "Die Antwort des Anbieters passte zu keiner Anmeldung, die in diesem Browser begonnen wurde (sie ist vielleicht alt oder wurde in einem anderen Browser geöffnet). Beginnen Sie noch einmal auf der Anmeldeseite.",
  notLinkedTitle: "Für diese E-Mail-Adresse gibt es schon ein Konto",
  notLinkedText:
    "Ein Konto mit dieser Adresse existiert, aber der Anbieter hat nicht bestätigt, dass die Adresse geprüft ist, oder das Konto hier hat sie nie bestätigt. Melden Sie sich mit Ihrem Passwort an und bestätigen Sie Ihre E-Mail-Adresse; dann funktioniert auch der Anbieter.",
  noEmailTitle: "Der Anbieter hat keine E-Mail-Adresse übermittelt",
  noEmailText:
    "Quire braucht eine E-Mail-Adresse, um Ihr Konto anzulegen. Erlauben Sie dem Anbieter, sie zu übermitteln, oder registrieren Sie sich mit E-Mail-Adresse und Passwort.",
  bannedTitle: "Dieses Konto ist gesperrt",
  bannedText:
    "Eine Administratorin oder ein Administrator hat dieses Konto gesperrt. Wenden Sie sich an die Leitung der Website, wenn Sie das für einen Irrtum halten.",
  otherTitle: "Die Anmeldung hat nicht funktioniert",
  otherText:
    "Zwischen Quire und dem Anmeldedienst ist etwas schiefgegangen. Es wurde nichts geändert; versuchen Sie es gleich noch einmal.",
  backToSignIn: "Zurück zur Anmeldung",
  home: "Zu den neuesten Texten",
  code: "Code für die Leitung der Website:",
} satisfies Catalogue["providerError"];

export const authPages = {
  signInTitle: "Anmelden",
  signInFirst: "Melden Sie sich zuerst an, um fortzufahren.",
  welcomeBack: "Willkommen zurück.",
  newHere: "Neu hier?",
  createAccount: "Ein Konto anlegen",
  signUpLede: "Schreiben und veröffentlichen auf Quire.",
  haveAccount: "Sie haben schon ein Konto?",
  signIn: "Anmelden",
  forgotTitle: "Passwort vergessen",
  forgotHeading: "Passwort vergessen?",
  forgotLede: "Geben Sie die Adresse an, mit der Sie sich registriert haben, und wir schicken Ihnen einen Link, um ein neues zu wählen.",
  backToSignIn: "Zurück zur Anmeldung",
  resetTitle: "Ein neues Passwort wählen",
  linkExpired: "Dieser Link ist abgelaufen oder wurde schon benutzt.",
  newLink: "Einen neuen Link anfordern",
} satisfies Catalogue["authPages"];

export const accountPages = {
  postsTitle: "Ihre Beiträge",
  accountTitle: "Ihr Konto",
  signedInAs: (name: string, email: string) => `Angemeldet als ${name} (${email})`,
  newPost: "Neuer Beitrag",
  pages: "Seiten",
  media: "Medien",
  profile: "Profil",
  security: "Sicherheit",
  people: "Personen",
  outbox: "Postausgang",
  comments: "Kommentare",
  commentsWaiting: (n: number) => count(n, "Kommentare (# wartet)", "Kommentare (# warten)"),
  settings: "Einstellungen",
  menus: "Menüs",
  import: "Import",
  redirects: "Weiterleitungen",
  export: "Export",
  exportEverything: "Alles exportieren",
  deleted: "Der Beitrag wurde gelöscht.",
  verified: "Ihre E-Mail-Adresse ist bestätigt.",
  readerNote:
    "Sie können jeden Beitrag kommentieren. Die Administration kann Sie zur Autorin oder zum Autor machen, damit Sie auch hier schreiben können.",
  readLatest: "Die neuesten Beiträge lesen",
  nothingWritten: "Sie haben noch nichts geschrieben.",
  writeFirst: "Ihren ersten Beitrag schreiben",
  postTitle: "Titel",
  status: "Status",
  updatedOrDue: "Geändert oder fällig",
  dashboard: "← Übersicht",
  profileTitle: "Ihr Profil",
  profileLede: "So sehen Leserinnen und Leser Sie neben Ihren Beiträgen und Kommentaren.",
  securityTitle: "Anmeldung und Sicherheit",
  securityLede: "Wo Sie angemeldet sind. Melden Sie ein Gerät ab, das Sie nicht kennen, oder alle.",
  devices: "Angemeldete Geräte",
  password: "Passwort",
  webhooks: "Webhooks",
  subscribers: "Abonnenten",
  apiKeys: "API-Schlüssel",
} satisfies Catalogue["accountPages"];

export const roles = {
  reader: "Leser",
  author: "Autor",
  editor: "Redaktion",
  admin: "Admin",
} satisfies Catalogue["roles"];

export const statuses = {
  draft: "Entwurf",
  scheduled: "geplant",
  published: "veröffentlicht",
} satisfies Catalogue["statuses"];

export const comments = {
  none: "Noch keine Kommentare.",
  count: { one: "# Kommentar", other: "# Kommentare" },
  removed: "Dieser Kommentar wurde entfernt.",
  edited: "(bearbeitet)",
  editLabel: "Ihren Kommentar bearbeiten",
  saving: "Wird gespeichert…",
  save: "Speichern",
  cancel: "Abbrechen",
  reply: "Antworten",
  edit: "Bearbeiten",
  delete: "Löschen",
  hide: "Verbergen",
  unhide: "Wieder zeigen",
  replyTo: "Antwort an {name}",
  replyToThread: "Auf diesen Kommentar antworten",
  posting: "Wird gesendet…",
  postReply: "Antwort senden",
  loading: "Wird geladen…",
  more: "Weitere Kommentare",
  add: "Einen Kommentar schreiben",
  placeholder: "Text oder einfaches Markdown: *Betonung*, `Code`, [Links](https://…)",
  post: "Kommentar senden",
  signIn: "Zum Kommentieren anmelden",
  hiddenTitle: "Verborgene Kommentare ({count})",
  hiddenNote: "Nur Sie und die Redaktion sehen diese.",
  posted: "Kommentar veröffentlicht.",
  replied: "Antwort veröffentlicht.",
  updated: "Kommentar geändert.",
  deleted: "Kommentar gelöscht.",
  hidden: "Kommentar vor Leserinnen und Lesern verborgen.",
  shown: "Kommentar wird wieder gezeigt.",
  confirmDelete: "Ihren Kommentar löschen? Antworten darauf bleiben stehen.",
  closed: "Die Kommentare sind geschlossen.",
  heldComment: "Danke: Ihr Kommentar wartet auf Freigabe; er erscheint hier, sobald ihn jemand aus der Moderation freigibt.",
  heldReply: "Danke: Ihre Antwort wartet auf Freigabe; sie erscheint hier, sobald sie jemand aus der Moderation freigibt.",
} satisfies Catalogue["comments"];

export const commentRefusals = {
  empty: "Schreiben Sie zuerst etwas.",
  tooLong: "Kommentare dürfen höchstens 5.000 Zeichen lang sein.",
  unclean: "Entfernen Sie die unsichtbaren Steuerzeichen (etwa U+001B, Escape) oder beschädigten Zeichen.",
  gone: "Dieser Beitrag oder Kommentar ist nicht mehr da. Laden Sie die Seite neu, um zu sehen, was es gibt.",
  editWindow: "Kommentare lassen sich bis 15 Minuten nach dem Senden bearbeiten.",
  notYours: "Das ist nicht Ihr Kommentar.",
  cannotComment: "Ihr Konto kann nicht kommentieren.",
  unavailable: "Die Website ist gerade ausgelastet; versuchen Sie es gleich noch einmal.",
  failed: "Auf dem Server ist etwas schiefgegangen; es wurde protokolliert. Versuchen Sie es gleich noch einmal.",
} satisfies Catalogue["commentRefusals"];

export const errors = {
  sessionEnded:
    "Ihre Sitzung ist abgelaufen. Melden Sie sich (in einem anderen Tab) wieder an und versuchen Sie es noch einmal: Ihr Text ist noch da.",
  unreachable: "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal: Ihr Text ist noch da.",
} satisfies Catalogue["errors"];

export const authCommon = {
  tryAgain: "Das hat nicht geklappt. Versuchen Sie es noch einmal.",
  tooMany: "Zu viele Versuche von Ihrer Adresse. Warten Sie eine Minute und versuchen Sie es dann noch einmal.",
  unreachable: "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal.",
} satisfies Catalogue["authCommon"];

export const authForm = {
  checkInbox: "Sehen Sie in Ihr Postfach",
  sentLinkBefore: "Wir haben einen Link an",
  sentLinkAfter: " geschickt. Öffnen Sie ihn, um Ihre Adresse zu bestätigen, dann sind Sie angemeldet.",
  noMail: "Nach ein paar Minuten keine E-Mail? Sehen Sie im Spam-Ordner nach, oder",
  signInWithPassword: "melden Sie sich mit Ihrem Passwort an",
  noMailEnd: ".",
  goingTo: "Weiter zu {provider}…",
  continueWith: "Weiter mit {provider}",
  orEmail: "oder mit Ihrer E-Mail-Adresse",
  name: "Name",
  email: "E-Mail",
  password: "Passwort",
  passwordHint: "Mindestens 8 Zeichen.",
  creatingAccount: "Konto wird angelegt…",
  signingIn: "Anmeldung läuft…",
  createAccount: "Konto anlegen",
  signIn: "Anmelden",
  forgot: "Passwort vergessen?",
  checkForm: "Das hat nicht geklappt. Prüfen Sie das Formular und versuchen Sie es noch einmal.",
} satisfies Catalogue["authForm"];

export const passwordForms = {
  email: "E-Mail",
  resetSent: "Wenn ein Konto {email} verwendet, ist ein Link zum Wählen eines neuen Passworts unterwegs. Er gilt eine Stunde lang.",
  sending: "Wird gesendet…",
  sendLink: "Link schicken",
  resetExpired: "Dieser Link ist abgelaufen oder wurde schon benutzt. Fordern Sie einen neuen an.",
  newLink: "Einen neuen Link anfordern",
  passwordReset: "Ihr Passwort ist geändert, und jedes Gerät, das angemeldet war, ist abgemeldet.",
  signInWithNew: "Mit dem neuen Passwort anmelden",
  newPassword: "Neues Passwort",
  passwordHint: "Mindestens 8 Zeichen.",
  saving: "Wird gespeichert…",
  setPassword: "Neues Passwort festlegen",
  wrongPassword: "Ihr aktuelles Passwort stimmt nicht.",
  noPassword: "Ihr Konto meldet sich über einen Anbieter an und hat hier kein Passwort.",
  passwordChanged: "Passwort geändert. Alle anderen Geräte sind abgemeldet.",
  currentPassword: "Aktuelles Passwort",
  changedHint: "Mindestens 8 Zeichen. Andere Geräte werden abgemeldet.",
  changing: "Wird geändert…",
  changePassword: "Passwort ändern",
} satisfies Catalogue["passwordForms"];

export const verifyEmail = {
  confirmBefore: "Bestätigen Sie Ihre E-Mail-Adresse: Wir haben einen Link an",
  confirmAfter: " geschickt.",
  newLinkSent: "Ein neuer Link ist unterwegs.",
  couldNotSend: "Das Senden hat nicht geklappt. Versuchen Sie es noch einmal.",
  sending: "Wird gesendet…",
  sendAgain: "Den Link noch einmal schicken",
} satisfies Catalogue["verifyEmail"];

export const sessions = {
  thisDevice: "Dieses Gerät",
  lastActive: "Zuletzt aktiv {when}",
  signedInAt: "angemeldet {when}",
  signingOut: "Abmeldung läuft…",
  signOut: "Abmelden",
  signOutOthers: "Alle anderen Geräte abmelden",
  signOutEverywhere: "Überall abmelden",
  deviceSignedOut: "{device} ist abgemeldet.",
  othersSignedOut: "Alle anderen Geräte sind abgemeldet.",
  confirmEverywhere: "Auf allen Geräten abmelden, auch auf diesem?",
  couldNotSignOut: "Die Abmeldung hat nicht geklappt. Versuchen Sie es noch einmal.",
  device: "{browser} unter {os}",
  unknownDevice: "Unbekanntes Gerät",
  aBrowser: "Ein Browser",
} satisfies Catalogue["sessions"];

export const profileForm = {
  name: "Name",
  bio: "Über mich",
  bioHint: "Steht auf Ihrer Autorenseite.",
  avatar: "Profilbild",
  yourAvatar: "Ihr Profilbild",
  uploadAnother: "Ein anderes hochladen",
  uploadAvatar: "Ein Profilbild hochladen",
  removeAvatar: "Profilbild entfernen",
  makingSizes: "Die Größen des Profilbilds werden erstellt…",
  uploading: "Das Profilbild wird hochgeladen",
  uploadFailed: "Das Hochladen hat nicht geklappt; versuchen Sie es noch einmal.",
  remoteAvatar:
    "Ihr Profilbild war eine Adresse auf einer anderen Website, die Seiten nicht mehr laden. Laden Sie hier eines hoch; beim Speichern des Profils wird die alte Adresse entfernt.",
  avatarHint: "Ein quadratisches Foto eignet sich am besten. Änderungen erscheinen, sobald Sie das Profil speichern.",
  saving: "Wird gespeichert…",
  saveProfile: "Profil speichern",
  profileSaved: "Profil gespeichert.",
} satisfies Catalogue["profileForm"];

export const refusals = {
  INVALID_EMAIL_OR_PASSWORD: "E-Mail-Adresse oder Passwort stimmen nicht.",
  INVALID_EMAIL: "Das ist keine gültige E-Mail-Adresse.",
  INVALID_PASSWORD: "Das Passwort stimmt nicht.",
  PASSWORD_TOO_SHORT: "Das Passwort ist zu kurz: Es braucht mindestens 8 Zeichen.",
  PASSWORD_TOO_LONG: "Das Passwort ist zu lang: Es darf höchstens 128 Zeichen haben.",
  INVALID_TOKEN: "Dieser Link ist ungültig oder wurde schon benutzt.",
  TOKEN_EXPIRED: "Dieser Link ist abgelaufen.",
  EMAIL_NOT_VERIFIED: "Bestätigen Sie zuerst Ihre E-Mail-Adresse.",
  EMAIL_ALREADY_VERIFIED: "Diese E-Mail-Adresse ist schon bestätigt.",
  USER_ALREADY_EXISTS: "Für diese E-Mail-Adresse gibt es schon ein Konto.",
  CREDENTIAL_ACCOUNT_NOT_FOUND: "Ihr Konto meldet sich über einen Anbieter an und hat hier kein Passwort.",
  SESSION_EXPIRED: "Ihre Sitzung ist abgelaufen. Melden Sie sich noch einmal an.",
  BANNED_USER: "Dieses Konto ist gesperrt.",
  SERVICE_UNAVAILABLE: "Die Website ist gerade ausgelastet; versuchen Sie es gleich noch einmal.",
  PAYLOAD_TOO_LARGE: "Das Formular ist zu groß, um es zu senden.",
} satisfies Catalogue["refusals"];

export const mail = {
  existingSubject: "Sie haben schon ein Quire-Konto",
  existingText: (name: string, signIn: string, forgot: string) =>
    `Hallo ${name},\n\njemand (hoffentlich Sie) wollte mit dieser Adresse ein Quire-Konto anlegen, aber es gibt schon eines. Hier melden Sie sich an:\n\n${signIn}\n\nPasswort vergessen? Hier wählen Sie ein neues:\n\n${forgot}\n\nWenn Sie das nicht waren, ignorieren Sie diese E-Mail: Es hat sich nichts geändert.\n`,
  resetSubject: "Ihr Quire-Passwort zurücksetzen",
  resetText: (name: string, url: string) =>
    `Hallo ${name},\n\njemand (hoffentlich Sie) möchte das Passwort Ihres Quire-Kontos zurücksetzen. Wählen Sie hier innerhalb einer Stunde ein neues:\n\n${url}\n\nWenn Sie das nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt, wie es ist.\n`,
  verifySubject: "Bestätigen Sie Ihre E-Mail-Adresse für Quire",
  verifyText: (name: string, url: string) =>
    `Hallo ${name},\n\nbestätigen Sie, dass diese Adresse Ihnen gehört, indem Sie innerhalb einer Stunde diesen Link öffnen:\n\n${url}\n\nWenn Sie kein Quire-Konto angelegt haben, ignorieren Sie diese E-Mail.\n`,
} satisfies Catalogue["mail"];

export const newsletter = {
  formTitle: "Neue Beiträge per E-Mail",
  formTagTitle: (tag: string) => `Beiträge mit #${tag} per E-Mail`,
  formNote: "Zuerst kommt ein Link zur Bestätigung. Jede Mail kann Sie mit einem Klick abmelden.",
  emailLabel: "E-Mail-Adresse",
  submit: "Abonnieren",
  checkInboxTitle: "Sehen Sie in Ihr Postfach",
  checkInboxText:
    "Wenn diese Adresse abonnieren kann, ist eine Mail mit einem Bestätigungslink unterwegs. Öffnen Sie ihn, um Beiträge zu erhalten: Bis dahin wird nichts gesendet.",
  backHome: "Zurück zu den neuesten Beiträgen",
  confirmedTitle: "Sie haben abonniert",
  confirmedText: "Neue Beiträge kommen in Ihr Postfach. Jede Mail enthält einen Link zum Abmelden.",
  badLinkTitle: "Dieser Link funktioniert nicht",
  badLinkText:
    "Er ist vielleicht älter als eine Woche oder wurde von Ihrem Mailprogramm gekürzt. Abonnieren Sie erneut, um einen neuen zu erhalten.",
  unsubscribeTitle: "Abmelden",
  unsubscribeText: "Keine neuen Beiträge mehr per E-Mail? Sie können jederzeit wieder abonnieren.",
  unsubscribeButton: "Abmelden",
  unsubscribedTitle: "Sie sind abgemeldet",
  unsubscribedText: "An diese Adresse kommen keine Newsletter mehr.",
  badEmail: "Geben Sie eine E-Mail-Adresse ein, etwa name@example.com.",
  tooMany: "Zu viele Versuche von Ihrer Adresse. Warten Sie eine Minute und versuchen Sie es dann erneut.",
  tryAgain: "Erneut versuchen",
  senderName: (author: string, site: string) => `${author} · ${site}`,
  by: (author: string) => `Von ${author}`,
  viewInBrowser: "Im Browser ansehen",
  unsubscribe: "Abmelden",
  footer: (site: string) => `Sie erhalten diese Mail, weil Sie ${site} abonniert haben.`,
  confirmSubject: (site: string) => `Bestätigen Sie Ihr Abonnement von ${site}`,
  confirmText: (site: string, url: string) =>
    `Hallo,\n\njemand (hoffentlich Sie) möchte neue Beiträge von ${site} an diese Adresse erhalten. Bestätigen Sie innerhalb einer Woche mit diesem Link:\n\n${url}\n\nWenn Sie das nicht waren, ignorieren Sie diese Mail: Es wird nichts gesendet.\n`,
} satisfies Catalogue["newsletter"];
