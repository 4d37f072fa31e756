// The reader-facing words in English: the source of truth. Every other catalogue has exactly
// these sections and keys, and each function takes exactly these parameters (index.ts makes
// tsc say so). A section is a plain object so an island can import the one it shows; a
// function is used where a word depends on a number or a name.
import { plural, type PluralForms } from "./format.ts";

/** The locale Intl formats English in: day before month, as the site always wrote dates. */
export const locale: string = "en-GB";
const count = (n: number, one: string, other: string) => plural(locale, n, { one, other });
/** A count's forms, for an island to choose from (every language has its own categories). */
const forms = (f: PluralForms): PluralForms => f;

/** The page frame: around every page. */
export const layout = {
  skipToContent: "Skip to content",
  siteNav: "Site",
  publishedWith: "Published with Quire.",
  footerNav: "Footer",
};

/** The built-in menu items' words (home, tags, search, write, feed) and the account link. */
export const menu = {
  home: "Read",
  tags: "Tags",
  search: "Search",
  write: "Write",
  feed: "RSS feed",
  signIn: "Sign in",
  profile: "Profile",
};

/** Lists of posts: home, tag and author pages. */
export const list = {
  pager: "More posts",
  newest: "← Newest",
  older: "Older posts →",
  tags: "Tags",
  posts: (n: number) => count(n, "# post", "# posts"),
};

export const home = {
  title: "Latest writing",
  lede: "Essays, notes and tutorials from the people who write here.",
  browseByTag: "Browse by tag",
  empty: "Nothing has been published yet.",
  writeFirst: "Write the first post",
};

export const post = {
  /** Before the author's name: "By Ada". */
  by: "By",
  minRead: (minutes: number) => count(minutes, "# min read", "# min read"),
  /** The link preview's text for a post with no excerpt. */
  description: (title: string, author: string) => `${title}, by ${author}.`,
  morePosts: "More posts",
  older: "← Older",
  newer: "Newer →",
  comments: "Comments",
};

export const tags = {
  title: "Tags",
  description: "Every topic written about here.",
  lede: "Every topic with published writing.",
  none: "No tags yet.",
  all: "All tags",
  /** A tag page's link preview: "Posts tagged Svelte (3 posts)." */
  tagDescription: (tag: string, posts: string) => `Posts tagged ${tag} (${posts}).`,
  feed: "RSS feed for this tag",
  empty: "No posts here yet.",
  /** The tag's feed's description. */
  feedDescription: (tag: string, site: string) => `Posts tagged ${tag} on ${site}.`,
};

export const author = {
  description: (name: string) => `Writing by ${name}.`,
  empty: "No published posts yet.",
};

export const search = {
  title: "Search",
  titleFor: (query: string) => `Search: ${query}`,
  description: "Search everything published here.",
  label: "Search posts and pages",
  placeholder: "Words in a title, a post or a page",
  submit: "Search",
  nothing: (query: string) => `Nothing matches “${query}”. Try fewer or other words.`,
  matches: (n: number, query: string) => `${count(n, "# result matches", "# results match")} “${query}”`,
  /** In place of a byline, for a result that is one of the site's pages (About, Contact). */
  page: "Page",
  pager: "More results",
  first: "← First results",
  more: "More results →",
};

export const notFound = {
  title: "Not found",
  text: "There is nothing at this address. It may have been unpublished, moved or deleted.",
  home: "Go to the latest writing",
};

/** Where signing in with a provider lands when it fails (pages/auth/error.astro). */
export const providerError = {
  cancelledTitle: "Sign-in was cancelled",
  cancelledText:
    "You did not allow Quire to use your account at the provider, so nothing was signed in. You can try again, or use your email and password.",
  expiredTitle: "That sign-in link had expired",
  expiredText:
    "The answer from the provider did not match a sign-in started in this browser (it may be old, or opened in another browser). Start again from the sign-in page.",
  notLinkedTitle: "This email already has an account",
  notLinkedText:
    "An account with this address exists, but the provider did not confirm the address is verified or the account here never confirmed it. Sign in with your password, confirm your email, then the provider will work.",
  noEmailTitle: "The provider did not share an email address",
  noEmailText: "Quire needs an email address to make your account. Allow the provider to share it, or sign up with email and password.",
  bannedTitle: "This account is suspended",
  bannedText: "An admin has suspended this account. Contact the site's admin if you think this is a mistake.",
  otherTitle: "Sign-in did not work",
  otherText: "Something went wrong between Quire and the sign-in provider. Nothing was changed; try again in a moment.",
  backToSignIn: "Back to sign in",
  home: "Go to the latest writing",
  code: "Code for the site's admin:",
};

/** The sign-in, sign-up and password pages around their forms. */
export const authPages = {
  signInTitle: "Sign in",
  signInFirst: "Sign in first to continue.",
  welcomeBack: "Welcome back.",
  newHere: "New here?",
  createAccount: "Create an account",
  signUpLede: "Write and publish on Quire.",
  haveAccount: "Already have an account?",
  signIn: "Sign in",
  forgotTitle: "Forgot your password",
  forgotHeading: "Forgot your password?",
  forgotLede: "Give the address you signed up with and we will mail you a link to choose a new one.",
  backToSignIn: "Back to sign in",
  resetTitle: "Choose a new password",
  linkExpired: "This link has expired or was already used.",
  newLink: "Get a new link",
};

/** The pages of one's own account: the dashboard's start, profile, security. */
export const accountPages = {
  postsTitle: "Your posts",
  accountTitle: "Your account",
  signedInAs: (name: string, email: string) => `Signed in as ${name} (${email})`,
  newPost: "New post",
  pages: "Pages",
  media: "Media",
  profile: "Profile",
  security: "Security",
  people: "People",
  outbox: "Outbox",
  comments: "Comments",
  /** The dashboard's link to held comments: "Comments (2 waiting)". */
  commentsWaiting: (n: number) => count(n, "Comments (# waiting)", "Comments (# waiting)"),
  settings: "Settings",
  menus: "Menus",
  import: "Import",
  redirects: "Redirects",
  export: "Export",
  exportEverything: "Export everything",
  deleted: "The post was deleted.",
  verified: "Your email address is confirmed.",
  readerNote: "You can comment on any post. An admin can make you an author so you can write here too.",
  readLatest: "Read the latest posts",
  nothingWritten: "You have not written anything yet.",
  writeFirst: "Write your first post",
  postTitle: "Title",
  status: "Status",
  updatedOrDue: "Updated or due",
  dashboard: "← Dashboard",
  profileTitle: "Your profile",
  profileLede: "How readers see you beside your posts and comments.",
  securityTitle: "Sign-in and security",
  securityLede: "Where you are signed in. Sign out a device you do not recognise, or all of them.",
  devices: "Signed-in devices",
  password: "Password",
  webhooks: "Webhooks",
  subscribers: "Subscribers",
  apiKeys: "API keys",
};

/** A person's role, as the account page names it. */
export const roles = {
  reader: "reader",
  author: "author",
  editor: "editor",
  admin: "admin",
};

/** A post's state, as its author's list names it. */
export const statuses = {
  draft: "draft",
  scheduled: "scheduled",
  published: "published",
};

/**
 * The comment island on a post's page. Islands get their words as data from the page (a
 * browser downloads no catalogue): `{name}` marks a value to fill in (lib/i18n/format.ts), and
 * a count's forms carry `#` for the number.
 */
export const comments = {
  none: "No comments yet.",
  count: forms({ one: "# comment", other: "# comments" }),
  removed: "This comment was removed.",
  edited: "(edited)",
  editLabel: "Edit your comment",
  saving: "Saving…",
  save: "Save",
  cancel: "Cancel",
  reply: "Reply",
  edit: "Edit",
  delete: "Delete",
  hide: "Hide",
  unhide: "Unhide",
  replyTo: "Reply to {name}",
  replyToThread: "Reply to this thread",
  posting: "Posting…",
  postReply: "Post reply",
  loading: "Loading…",
  more: "More comments",
  add: "Add a comment",
  placeholder: "Plain text or simple Markdown: *emphasis*, `code`, [links](https://…)",
  post: "Post comment",
  signIn: "Sign in to comment",
  hiddenTitle: "Hidden comments ({count})",
  hiddenNote: "Only you and editors see these.",
  posted: "Comment posted.",
  replied: "Reply posted.",
  updated: "Comment updated.",
  deleted: "Comment deleted.",
  hidden: "Comment hidden from readers.",
  shown: "Comment shown again.",
  confirmDelete: "Delete your comment? Replies to it stay.",
  closed: "Comments are closed.",
  heldComment: "Thanks: your comment awaits moderation; it shows here once a moderator approves it.",
  heldReply: "Thanks: your reply awaits moderation; it shows here once a moderator approves it.",
};

/** Why a comment was refused, by situation (the comment island tells them apart). */
export type CommentRefusal =
  "empty" | "tooLong" | "unclean" | "gone" | "editWindow" | "notYours" | "cannotComment" | "unavailable" | "failed";

/**
 * Those refusals in this language. English shows the server's own words, so it has none of
 * its own; another language words each situation (the server speaks English).
 */
export const commentRefusals: Partial<Record<CommentRefusal, string>> = {};

/** What any island says when a call to the API fails before the server could answer it. */
export const errors = {
  sessionEnded: "Your session has ended. Sign in again (in another tab) and retry: your text is still here.",
  unreachable: "Could not reach the server. Check your connection and try again: your text is still here.",
};

/** What every sign-in, sign-up and password form says when better-auth refuses or cannot be reached. */
export const authCommon = {
  tryAgain: "That did not work. Try again.",
  tooMany: "Too many attempts from your address. Wait a minute and try again.",
  unreachable: "Could not reach the server. Check your connection and try again.",
};

/** The sign-in and sign-up form (AuthForm). */
export const authForm = {
  checkInbox: "Check your inbox",
  sentLinkBefore: "We sent a link to",
  sentLinkAfter: ". Open it to confirm your address, and you are signed in.",
  noMail: "No mail after a few minutes? Look in the spam folder, or",
  signInWithPassword: "sign in with your password",
  noMailEnd: ".",
  goingTo: "Going to {provider}…",
  continueWith: "Continue with {provider}",
  orEmail: "or with your email",
  name: "Name",
  email: "Email",
  password: "Password",
  passwordHint: "At least 8 characters.",
  creatingAccount: "Creating account…",
  signingIn: "Signing in…",
  createAccount: "Create account",
  signIn: "Sign in",
  forgot: "Forgot your password?",
  checkForm: "That did not work. Check the form and try again.",
};

/** The forgot-password, reset-password and change-password forms. */
export const passwordForms = {
  email: "Email",
  resetSent: "If an account uses {email}, a link to choose a new password is on its way. It works for an hour.",
  sending: "Sending…",
  sendLink: "Send me a link",
  resetExpired: "This link has expired or was already used. Ask for a new one.",
  newLink: "Get a new link",
  passwordReset: "Your password is changed, and every device that was signed in is signed out.",
  signInWithNew: "Sign in with the new password",
  newPassword: "New password",
  passwordHint: "At least 8 characters.",
  saving: "Saving…",
  setPassword: "Set new password",
  wrongPassword: "Your current password is not right.",
  noPassword: "Your account signs in with a provider and has no password here.",
  passwordChanged: "Password changed. Every other device is signed out.",
  currentPassword: "Current password",
  changedHint: "At least 8 characters. Other devices are signed out.",
  changing: "Changing…",
  changePassword: "Change password",
};

/** The notice asking to confirm an address (VerifyEmailNotice). */
export const verifyEmail = {
  confirmBefore: "Confirm your email address: we sent a link to",
  confirmAfter: ".",
  newLinkSent: "A new link is on its way.",
  couldNotSend: "Could not send it. Try again.",
  sending: "Sending…",
  sendAgain: "Send the link again",
};

/** Signed-in devices (SessionsPanel) and the sign-out button. */
export const sessions = {
  thisDevice: "This device",
  lastActive: "Last active {when}",
  signedInAt: "signed in {when}",
  signingOut: "Signing out…",
  signOut: "Sign out",
  signOutOthers: "Sign out all other devices",
  signOutEverywhere: "Sign out everywhere",
  deviceSignedOut: "{device} is signed out.",
  othersSignedOut: "Every other device is signed out.",
  confirmEverywhere: "Sign out on every device, this one included?",
  couldNotSignOut: "Could not sign out. Try again.",
  device: "{browser} on {os}",
  unknownDevice: "Unknown device",
  aBrowser: "A browser",
};

/** The profile form (ProfileForm). */
export const profileForm = {
  name: "Name",
  bio: "Bio",
  bioHint: "Shown on your author page.",
  avatar: "Avatar",
  yourAvatar: "Your avatar",
  uploadAnother: "Upload another",
  uploadAvatar: "Upload an avatar",
  removeAvatar: "Remove avatar",
  makingSizes: "Making the avatar's sizes…",
  uploading: "Uploading the avatar",
  uploadFailed: "The upload failed; try again.",
  remoteAvatar:
    "Your avatar was an address on another site, which pages no longer load. Upload one here; saving the profile removes the old address.",
  avatarHint: "A square photo works best. Changes show once you save the profile.",
  saving: "Saving…",
  saveProfile: "Save profile",
  profileSaved: "Profile saved.",
};

/** The refusals of the sign-in service (better-auth) that a form may show, by their code. */
export type RefusalCode =
  | "INVALID_EMAIL_OR_PASSWORD"
  | "INVALID_EMAIL"
  | "INVALID_PASSWORD"
  | "PASSWORD_TOO_SHORT"
  | "PASSWORD_TOO_LONG"
  | "INVALID_TOKEN"
  | "TOKEN_EXPIRED"
  | "EMAIL_NOT_VERIFIED"
  | "EMAIL_ALREADY_VERIFIED"
  | "USER_ALREADY_EXISTS"
  | "CREDENTIAL_ACCOUNT_NOT_FOUND"
  | "SESSION_EXPIRED"
  | "BANNED_USER"
  | "SERVICE_UNAVAILABLE"
  | "PAYLOAD_TOO_LARGE";

/**
 * Those refusals in this language. English shows the service's own words, so it has none
 * of its own; another language words each code it knows and shows the service's otherwise.
 */
export const refusals: Partial<Record<RefusalCode, string>> = {};

/** Mail the site sends about an account. */
export const mail = {
  existingSubject: "You already have a Quire account",
  existingText: (name: string, signIn: string, forgot: string) =>
    `Hello ${name},\n\nSomeone (we hope you) tried to create a Quire account with this address, which already has one. Sign in here:\n\n${signIn}\n\nForgot the password? Choose a new one here:\n\n${forgot}\n\nIf it was not you, ignore this mail: nothing has changed.\n`,
  resetSubject: "Reset your Quire password",
  resetText: (name: string, url: string) =>
    `Hello ${name},\n\nSomeone (we hope you) asked to reset the password of your Quire account. Choose a new one here within the hour:\n\n${url}\n\nIf it was not you, ignore this mail: your password stays as it is.\n`,
  verifySubject: "Confirm your email for Quire",
  verifyText: (name: string, url: string) =>
    `Hello ${name},\n\nConfirm that this address is yours by opening this link within the hour:\n\n${url}\n\nIf you did not create a Quire account, ignore this mail.\n`,
};

/** Newsletters: the subscribe form, its pages, and the mails. */
export const newsletter = {
  formTitle: "Get new posts by email",
  formTagTitle: (tag: string) => `Get posts tagged #${tag} by email`,
  formNote: "We send a link to confirm first. Every mail can unsubscribe you in one click.",
  emailLabel: "Email address",
  submit: "Subscribe",
  checkInboxTitle: "Check your inbox",
  checkInboxText:
    "If that address can subscribe, a mail with a confirmation link is on its way. Open it to start getting posts: nothing is sent until you do.",
  backHome: "Back to the latest posts",
  confirmedTitle: "You are subscribed",
  confirmedText: "New posts will come to your inbox. Every mail has a link to unsubscribe.",
  badLinkTitle: "That link does not work",
  badLinkText: "It may be older than a week, or cut short by your mail program. Subscribe again to get a fresh one.",
  unsubscribeTitle: "Unsubscribe",
  unsubscribeText: "Stop getting new posts by email? You can subscribe again at any time.",
  unsubscribeButton: "Unsubscribe",
  unsubscribedTitle: "You are unsubscribed",
  unsubscribedText: "No more newsletters will come to this address.",
  badEmail: "Enter an email address, such as name@example.com.",
  tooMany: "Too many attempts from your address. Wait a minute, then try again.",
  tryAgain: "Try again",
  senderName: (author: string, site: string) => `${author} · ${site}`,
  by: (author: string) => `By ${author}`,
  viewInBrowser: "View in browser",
  unsubscribe: "Unsubscribe",
  footer: (site: string) => `You get this mail because you subscribed to ${site}.`,
  confirmSubject: (site: string) => `Confirm your subscription to ${site}`,
  confirmText: (site: string, url: string) =>
    `Hello,\n\nSomeone (we hope you) asked for new posts from ${site} to come to this address. Confirm within a week by opening this link:\n\n${url}\n\nIf it was not you, ignore this mail: nothing will be sent.\n`,
};
