// Outgoing mail: over SMTP when it is configured, otherwise into the outbox table and the
// log, so a site without a mail server can still verify addresses and reset passwords.
import nodemailer from "nodemailer";
import type { Config } from "../config.ts";
import type { Database } from "../../db/client.ts";
import { MailOutbox } from "../../db/schema.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Never throws: a mail that cannot go out is logged, the request that caused it goes on. */
  send(mail: Mail): Promise<void>;
}

export function createMailer(config: Config, db: Database): Mailer {
  const smtp = config.mail.smtp;
  if (smtp) {
    const transport = nodemailer.createTransport(smtp);
    return {
      async send(mail) {
        try {
          await transport.sendMail({ from: config.mail.from, ...mail });
        } catch (e) {
          console.error(`[mail] could not send "${mail.subject}" to ${mail.to}: ${(e as Error).message}`);
        }
      },
    };
  }
  return {
    async send(mail) {
      try {
        await db.insert(MailOutbox).values(mail);
      } catch (e) {
        console.error(`[mail] could not keep "${mail.subject}" in the outbox: ${(e as Error).message}`);
      }
      if (config.logLevel !== "silent" && config.nodeEnv !== "test") {
        console.info(`[mail] no SMTP configured; kept in the outbox:\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`);
      }
    },
  };
}
