package dev.flashgate.plugin.firehose.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * XML as Firehose and vendor layouts use it, parsed by the JDK with everything that could reach
 * outside the document turned off: no DTDs, no external entities, no entity expansion.
 */
final class FirehoseXml {

    private FirehoseXml() {
    }

    static Element parse(byte[] document, ErrorCode code, String what) throws FlashgateException {
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(document)).getDocumentElement();
        } catch (SAXException | IOException | IllegalArgumentException e) {
            throw new FlashgateException(code, what + " is not well-formed XML: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(false);
        return f;
    }

    /** An attribute as a number; {@code what} names it in the error. */
    static long number(Element e, String attribute, ErrorCode code, String what) throws FlashgateException {
        String v = e.getAttribute(attribute).trim();
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new FlashgateException(code, what + ": " + attribute + "=\"" + v + "\" is not a number of 0 or more");
        }
    }
}
