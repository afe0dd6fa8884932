import { dkimSign } from 'mailauth';

export interface Signer {
  signingDomain: string;
  selector: string;
  privateKey: string;
  canonicalization?: string;
  maxBodyLength?: number;
}

/**
 * The DKIM-Signature field mailauth's signer makes for `message`, with the signing time fixed.
 * Left to itself the signer reads the clock for the field it signs and again for the field it
 * writes; when a second turns between the two (about one signature in a thousand, more on a busy
 * machine) the t= it writes is not the one it signed, and the message fails DKIM.
 */
export async function dkimSignature(message: Buffer | string, signer: Signer): Promise<string> {
  const signature = { ...signer, signTime: new Date() };
  // mailauth's types ask for the signature at the top level; its signer reads only signatureData.
  const { signatures } = await dkimSign(message, { ...signature, signatureData: [signature] });
  return signatures;
}
